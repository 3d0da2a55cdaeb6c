# shellcheck shell=bash
# Loaded by every .bats file of the e2e and stress suites: the helper
# library, one file per concern, loaded in this order.
#   protocol.bash  Bats libraries, set-up and teardown, levels and claims
#   clock.bash     time, and the one deadline loop (within, wait_until)
#   assert.bash    rule-naming assertions and the report of a run
#   proc.bash      /proc and ps probes
#   sched.bash     running programs: to the end, in the background, shared
#   net.bash       ports, echo_mpserv, socat
# The stress files add stress.bash (echo_load, the server's processes) and
# stress_faults.bash (held clients, CPU time, users).

_here=${BASH_SOURCE[0]%/*}
for _part in protocol clock assert proc sched net; do
  # shellcheck source=/dev/null # the parts, listed above
  source "$_here/$_part.bash"
done
unset _here _part
