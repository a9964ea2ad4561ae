#!/bin/sh
# banned.sh: functions that have no place in usercgi's C (style.md §5).
top=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
n=0
for f in strcpy strcat sprintf vsprintf strtok atoi atol atoll gets; do
	n=$((n + 1))
	hits=$(grep -nE "(^|[^_a-zA-Z0-9])$f[[:space:]]*\(" "$top"/lib/*.c "$top"/lib/*.cc \
	    "$top"/lib/*.h "$top"/cgi-bin/*.c "$top"/tools/*.c 2>/dev/null)
	if [ -z "$hits" ]; then echo "ok $n - no $f"; else
		echo "not ok $n - $f used:"; echo "$hits" | sed 's/^/# /'; fi
done
n=$((n + 1))
hits=$(grep -nE '\b(TO''DO|FIX''ME|XX''X)\b' "$top"/lib/*.[ch] "$top"/cgi-bin/*.c "$top"/tools/*.c 2>/dev/null)
if [ -z "$hits" ]; then echo "ok $n - no unfinished-work markers"; else
	echo "not ok $n - unfinished-work markers"; echo "$hits" | sed 's/^/# /'; fi
echo "1..$n"
