#!/usr/bin/env bash
# Build mobench-sandbox:<version>, the Docker sandbox's executor image (docs/docker.md).
#
#   build_image.sh [--offline | --registry] [--version V] [--tag T] [--rebuild]
#
#   --registry  FROM python:3.11-slim, pulled from a registry (the normal path for users)
#   --offline   no registry: debootstrap a minimal Debian bookworm with python3, `docker import`
#               it as mobench-base:bookworm, then build FROM it (the path CI uses); needs root,
#               debootstrap and a Debian mirror (DEBIAN_MIRROR, default deb.debian.org)
#   (neither)   offline when mobench-base:bookworm exists already, else registry
#   --rebuild   rebuild even if the tag exists (the offline base is reused when present)
#
# The engine is the one DOCKER_HOST names (unix:///path.sock), else the default socket. The
# debootstrapped root file system is cached as a tarball under /tmp only
# (MOBENCH_ROOTFS_CACHE, default /tmp/mobench-docker-cache), so a rerun skips debootstrap.
# Prints the image id (sha256:…) as the last line of stdout.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mode=auto version="" tag="" rebuild=0
while [ $# -gt 0 ]; do
    case "$1" in
        --offline) mode=offline ;;
        --registry) mode=registry ;;
        --version) version="$2"; shift ;;
        --tag) tag="$2"; shift ;;
        --rebuild) rebuild=1 ;;
        -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
        *) echo "build_image.sh: unknown argument $1" >&2; exit 2 ;;
    esac
    shift
done

say() { echo "build_image.sh: $*" >&2; }
die() { say "$*"; exit 1; }

if [ -z "$version" ]; then  # the checkout's pyproject.toml, else the installed mobench
    version="$(sed -n 's/^version *= *"\(.*\)"/\1/p' "$here/../pyproject.toml" 2>/dev/null \
        | head -n1)"
    [ -n "$version" ] \
        || version="$(python3 -c 'import mobench; print(mobench.__version__)' 2>/dev/null || true)"
fi
[ -n "$version" ] || die "cannot tell the mobench version: pass --version"
# a tag allows [A-Za-z0-9_.-] only (as mobench.sandbox.docker.default_image() spells it)
tag="${tag:-mobench-sandbox:$(printf '%s' "$version" | tr -c 'A-Za-z0-9_.-' '-' | cut -c1-128)}"
base_offline="mobench-base:bookworm"
base_registry="python:3.11-slim"

command -v docker >/dev/null || die "the docker command line client is not installed"
docker version --format '{{.Server.Version}}' >/dev/null 2>&1 \
    || die "no Docker engine answers at ${DOCKER_HOST:-the default socket}"

if [ "$rebuild" = 0 ] && docker image inspect "$tag" >/dev/null 2>&1; then
    say "$tag exists already"
    docker image inspect --format '{{.Id}}' "$tag"
    exit 0
fi

if [ "$mode" = auto ]; then
    if docker image inspect "$base_offline" >/dev/null 2>&1; then mode=offline; else mode=registry; fi
fi

if [ "$mode" = offline ] && ! docker image inspect "$base_offline" >/dev/null 2>&1; then
    [ "$(id -u)" = 0 ] || die "debootstrap needs root (or import $base_offline yourself)"
    command -v debootstrap >/dev/null || die "debootstrap is not installed (apt-get install debootstrap)"
    cache="${MOBENCH_ROOTFS_CACHE:-/tmp/mobench-docker-cache}"
    case "$cache" in /tmp/*) ;; *) die "MOBENCH_ROOTFS_CACHE must lie under /tmp" ;; esac
    tarball="$cache/debian-bookworm-python3.tar"
    if [ ! -s "$tarball" ]; then
        mkdir -p "$cache"
        rootfs="$(mktemp -d /tmp/mobench-rootfs.XXXXXX)"
        trap 'rm -rf "$rootfs" "$tarball.partial"' EXIT
        say "debootstrap bookworm (minbase + python3) into $rootfs"
        # python3 rather than python3-minimal: the runner needs ctypes, and candidates get the
        # whole standard library (json, re, collections, …) as in the python:3.11-slim image.
        debootstrap --variant=minbase --include=python3 bookworm "$rootfs" \
            "${DEBIAN_MIRROR:-http://deb.debian.org/debian}" >&2
        rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* \
            "$rootfs"/usr/share/doc "$rootfs"/usr/share/man "$rootfs"/usr/share/info \
            "$rootfs"/usr/share/locale
        tar --numeric-owner -C "$rootfs" -cf "$tarball.partial" .
        mv "$tarball.partial" "$tarball"
        rm -rf "$rootfs"
        trap - EXIT
    else
        say "reusing the cached root file system $tarball"
    fi
    say "docker import $tarball as $base_offline"
    docker import \
        --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        --change 'ENV LANG=C.UTF-8' \
        --message "debootstrap --variant=minbase --include=python3 bookworm" \
        "$tarball" "$base_offline" >&2
fi

base="$base_registry"
[ "$mode" = offline ] && base="$base_offline"
say "building $tag FROM $base"
# The legacy builder: Debian's docker.io has no BuildKit, and this Dockerfile needs none.
DOCKER_BUILDKIT=0 docker build -q --build-arg "BASE=$base" --build-arg "MOBENCH_VERSION=$version" \
    --label "io.mobench.base=$base" -t "$tag" -f "$here/Dockerfile" "$here" >&2
docker image inspect --format '{{.Id}}' "$tag"
