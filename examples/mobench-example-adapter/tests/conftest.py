pytest_plugins = ["mobench.testing"]
