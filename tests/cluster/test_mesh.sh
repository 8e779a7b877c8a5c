#!/bin/bash
# test_mesh.sh BIN: five mesh_probe processes (tests/cluster/mesh_probe.c, the mesh with its fault
# hook) on loopback. Asserts: all five attest each other and exchange 1 MiB and 300 KB frames
# intact; a stopped (SIGSTOP) peer goes DOWN by silence; a killed peer goes DOWN and comes back UP
# with a new boot id; a peer with a changed measured configuration is REFUSED and the reason names
# the measurement; fault hook: a corrupted frame header makes the receiver close the connection
# (logged), dropped frames never arrive while other peers still get theirs; an unattested stranger
# claiming a live peer's address is refused without disturbing that peer's link.
set -u
. "$(dirname "$0")/cluster_lib.sh"
cl_setup "$1" mesh
PROBE=$BIN/mesh_probe
printf 'attest.provider = sim\n# another configuration: another measurement\n' >changed.conf
for i in 1 2 3 4 5; do cl_start "$i" "$PROBE" --config cluster.conf --dead-ms 2000; done

all_up() { for i in 1 2 3 4 5; do [ "$(cl_count "node$i.out" '^peer node. UP')" -ge 4 ] || return 1; done; }
all_frames() { for i in 1 2 3 4 5; do [ "$(cl_count "node$i.out" '^recv node. #[01] [0-9]+ ok$')" -ge 8 ] || return 1; done; }
check "five probes mesh up (every node sees 4 peers UP)" cl_wait 30 all_up
check "every node receives 1 MiB + 300 KB intact from each of its 4 peers" cl_wait 30 all_frames
check "no corrupted frame was delivered" bash -c '! grep -h BAD node*.out'
check "1 MiB frames were delivered" grep -q '^recv node. #0 1048576 ok$' node1.out

# An unattested stranger claiming to be a live peer (HELLOs naming its address) is refused without
# touching that peer's connection: the node whose address sorts highest accepts from all others.
order=$(for i in 1 2 3 4 5; do echo "tcp:127.0.0.1:${MESH_PORT[i]} $i"; done | LC_ALL=C sort | awk '{print $2}')
low=$(echo "$order" | head -1)
high=$(echo "$order" | tail -1)
lines=$(wc -l <"node$high.out")
attempts=$(python3 "$(dirname "$0")/mesh_impostor.py" "${MESH_PORT[high]}" "tcp:127.0.0.1:${MESH_PORT[low]}" 3)
check "the impostor got its HELLOs in ($attempts attempts)" test "${attempts:-0}" -ge 10
check "node$high refused the impostor (logged)" grep -q "claiming to be node$low\|refusing a connection" "node$high.err"
check "node$low's live link to node$high survived the impostor" bash -c "! tail -n +$((lines + 1)) node$high.out | grep -q '^peer node$low \(DOWN\|REFUSED\|ATTESTING\)'"
check "node$low is still UP at node$high" bash -c "grep '^peer node$low ' node$high.out | tail -1 | grep -q ' UP '"

# SIGSTOP: silence makes the peers mark it DOWN; SIGCONT: it comes back UP with the same boot id.
boot4=$(awk '/^self/ {print $3}' node4.out)
cl_stop 4 STOP
check "a stopped peer goes DOWN by silence" cl_wait 15 grep -q '^peer node4 DOWN .*reason=timeout: peer silent' node1.out
cl_stop 4 CONT
n=$(cl_count node1.out "^peer node4 UP boot=${boot4:0:16}")
check "a resumed peer is UP again with the same boot id" cl_wait 20 cl_more node1.out "^peer node4 UP boot=${boot4:0:16}" "$n"

# Kill node5: DOWN at every peer; restarted: UP with a new boot id.
boot5=$(awk '/^self/ {print $3}' node5.out)
cl_stop 5 KILL
check "a killed peer goes DOWN" cl_wait 15 grep -q '^peer node5 DOWN' node2.out
cl_start 5 "$PROBE" --config cluster.conf --dead-ms 2000
check "the restarted peer announces itself" cl_wait 10 grep -q '^self' node5.out
boot5b=$(awk '/^self/ {print $3}' node5.out)
check "the restart has a new boot id" test -n "$boot5b" -a "$boot5" != "$boot5b"
check "the restarted peer is UP again with its new boot id" cl_wait 20 grep -q "^peer node5 UP boot=${boot5b:0:16}" node2.out

# A changed configuration is another measurement: refused by the peers, reason named.
cl_stop 5
cl_start 5 "$PROBE" --config changed.conf --dead-ms 2000
check "peers refuse a node with another measurement" cl_wait 20 grep -q '^peer node5 REFUSED .*reason=attestation: measurement' node1.out
check "the refusal is logged" cl_wait 5 grep -q 'peer node5 REFUSED: attestation: measurement' node1.err
check "the changed node sees node1 REFUSED for the measurement too" cl_wait 10 grep -qE '^peer node1 REFUSED .*reason=(refused us: )?attestation: measurement' node5.out
check "the changed node never comes UP" bash -c '! grep -q "^peer node. UP" node5.out'
cl_stop 5

# Evidence refresh (every 2 s here): each HELLO carries a report made at most 1 s before, not the
# boot report again, and the peers keep the node UP.
lines=$(wc -l <node1.out)
cl_start 5 "$PROBE" --config cluster.conf --dead-ms 2000 --reattest 2
check "the refreshing node is UP at node1" cl_wait 20 grep -q '^peer node5 UP' node1.out
refreshes() { [ "$(cl_count node5.err 'refreshing our evidence towards node. \(report made [0-9]+ ms ago\)')" -ge "$1" ]; }
check "node5 refreshed its evidence towards its peers (8 times)" cl_wait 20 refreshes 8
check "every refresh sent a report under 1.5 s old (a new one, not the boot report)" bash -c \
  "grep -o 'report made [0-9]* ms' node5.err | awk '{ if (\$3 > 1500) bad = 1 } END { exit bad }'"
check "node1 kept node5 UP through the refreshes" bash -c "! tail -n +$((lines + 1)) node1.out | grep -q '^peer node5 \\(DOWN\\|REFUSED\\)'"
cl_stop 5

# Fault hook: node1 corrupts frame headers towards node2 and drops every frame towards node3.
before3=$(cl_count node3.out '^recv node1 ')
before4=$(cl_count node4.out '^recv node1 #[01] [0-9]+ ok$')
cl_stop 1
cl_start 1 "$PROBE" --config cluster.conf --dead-ms 2000 --fault corrupt@node2 --fault drop@node3
check "the faulty node comes UP with node4" cl_wait 20 grep -q '^peer node4 UP' node1.out
check "node4 still receives node1's frames" cl_wait 20 cl_more node4.out '^recv node1 #[01] [0-9]+ ok$' $((before4 + 1))
check "node2 closes the connection on a corrupted header (logged)" cl_wait 20 grep -q 'closing the connection to node1: bad frame magic' node2.err
check "node1 logged the drops" cl_wait 10 grep -q 'fault: dropping a .*-byte frame to node3' node1.err
sleep 1
check "node3 received none of the dropped frames" test "$(cl_count node3.out '^recv node1 ')" -eq "$before3"
check "no corrupted frame was delivered" bash -c '! grep -h BAD node*.out'
for i in 1 2 3 4; do cl_stop "$i"; done
check "every probe stops cleanly on SIGTERM, no sanitizer report (ASan builds)" bash -c '! grep -l Sanitizer node*.err'

cl_finish test_mesh
