# Sourced by the CI scripts: `start_server DIR [VAR=VALUE...] -- ARGS...`
# runs `$binary ARGS...` (usually `serve`) in DIR on a free port, waits for
# its "listening" line and sets $address and $server_pid; every server
# started is stopped by `stop_servers` (call it from the script's EXIT trap).
server_pids=()

start_server() {
  local dir=$1; shift
  local vars=()
  while [ "$#" -gt 0 ] && [ "$1" != "--" ]; do vars+=("$1"); shift; done
  shift
  mkdir -p "$dir"
  # The server runs in DIR: a relative path (`bash .ci/walkthrough
  # target/debug/resguardo`) is taken from where the script runs.
  case $binary in /*) ;; *) binary=$PWD/$binary ;; esac
  # exec: $! is the server itself, not a subshell that would die alone.
  (cd "$dir" && exec env RESGUARDO_LISTEN=127.0.0.1:0 "${vars[@]}" "$binary" "$@" >"$dir/out" 2>"$dir/err") &
  server_pid=$!
  server_pids+=("$server_pid")
  address=""
  for _ in $(seq 1 60); do
    address=$(sed -n 's|^Resguardo listening on http://\([^/]*\)/graphql.*|\1|p' "$dir/out")
    [ -n "$address" ] && return 0
    sleep 1
  done
  cat "$dir/err"; echo "the server did not start"; exit 1
}

stop_server() { kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; }

# Waits for them to exit, so that their databases can be dropped next.
stop_servers() {
  for pid in "${server_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${server_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
