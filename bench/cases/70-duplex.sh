# SPDX-License-Identifier: ISC
# shellcheck shell=bash
# duplex: 1 GiB each way at once between two commands, through duplex,
# vde2's dpipe, socat EXEC/EXEC and two FIFOs joined by hand (the pipes'
# own speed: duplex adds no copy, so the goal is within 5% of it). Each
# command sends SIZE of zeros with dd and reads exactly SIZE of the other's
# (socat's EXEC keeps a command's output open after it closes it: no EOF).
# duplex --trace relays both ways (tee, then splice into the transcript,
# /dev/null here, so the row is the relay's cost, not a disk's).
size=$(pick 1G 4M)
count=$(( $(numfmt --from=iec "$size") / 65536 ))
end=$BENCH_DIR/duplex-end
cat > "$end" <<END
dd if=/dev/zero bs=64K count=$count status=none &
dd of=/dev/null bs=64K count=$count iflag=fullblock status=none
wait
END
ff=$BENCH_DIR/duplex-fifo
mkdir -p "$ff" && mkfifo "$ff/a" "$ff/b"
peers=("two FIFOs" "sh $end < $ff/a > $ff/b & sh $end > $ff/a < $ff/b; wait")
if have dpipe; then peers+=("dpipe" "dpipe sh $end = sh $end"); else note "no dpipe (vde2): skipped"; fi
if have socat; then peers+=("socat EXEC EXEC" "socat 'EXEC:sh $end' 'EXEC:sh $end'"); else note "no socat: skipped"; fi
RUNS=$(runs 5) bench "duplex 2x$size" "duplex" "duplex sh $end = sh $end" \
	"duplex --trace" "duplex --trace /dev/null sh $end = sh $end" "${peers[@]}"
