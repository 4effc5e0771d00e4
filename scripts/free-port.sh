#!/usr/bin/env bash
# Prints a loopback TCP port that nothing listens on now (20000-39999), for
# a stack of the tests or the benchmark. Another program may still take it
# before we do; stack.sh fails clearly if nginx cannot bind.
while :; do
	p=$(( 20000 + RANDOM % 20000 ))
	if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
		echo "$p"
		exit 0
	fi
done
