"""Files that run inside the sandbox (the in-sandbox test runner) and the executor image."""
