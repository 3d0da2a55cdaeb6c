# shellcheck shell=bash
# Fault: a fifth of echo_mpclient's send() calls fail with EINTR (see
# send-interrupted-server); socat echoes. Survives when: every line comes
# back as 'Message from server: <line>' and the client exits 0
# (C.ECHO_MPCLIENT.ECHO, C.ECHO_MPCLIENT.PIPE).

# shellcheck source-path=SCRIPTDIR source=short-reads-client.bash
source "$(dirname "${BASH_SOURCE[0]}")/short-reads-client.bash"

scenario() {
  client_under_fault 'enable_random name=posix/io/net/send,probability=0.2,failinfo=4'
}
