# Sourced by the Makefile: puts the pinned npm tools (wasm-opt 132) first on PATH and keeps
# Trunk offline (Trunk.toml's `offline` alone still asks crates.io for updates).
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export TRUNK_OFFLINE=true
export TRUNK_SKIP_VERSION_CHECK=true
