#!/usr/bin/env bash
# Self-test of the OpenRosa harness on the sample forms. Needs install.sh to
# have run. Prints one line per check and a closing "N passed, N failed" line;
# exits non-zero on any failure.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
jar=${RESGUARDO_ODK_JAR:-/opt/resguardo-openrosa/ODK_Validate.jar}
h=$here/harness.sh
s=$here/sample
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0 failed=0

ok() { echo "ok   $1"; passed=$((passed + 1)); }
bad() { echo "FAIL $1"; [ -n "${2:-}" ] && sed 's/^/     /' <<<"$2"; failed=$((failed + 1)); }

well_formed() { /usr/bin/python3 -c 'import sys, xml.dom.minidom as m; m.parse(sys.argv[1])' "$1" 2>/dev/null; }

# Expects fill to succeed, print a uuid: instanceID, and write well-formed XML containing $4.
expect_fill() { # name form answers needle
  local out="$work/$1.xml" id
  if id=$("$h" fill "$2" "$3" "$out" 2>"$work/err"); then
    if [[ "$id" =~ ^uuid:[0-9a-f-]{36}$ ]] && well_formed "$out" && grep -qF -- "$4" "$out" \
       && grep -qF "instanceID>$id<" "$out"; then
      ok "$1"
    else
      bad "$1" "id=$id; $(cat "$out")"
    fi
  else
    bad "$1" "$(cat "$work/err")"
  fi
}

# Expects fill to fail with status $3 and a message containing $4. Answers come on stdin.
expect_reject() { # name form status needle answers...
  local name=$1 form=$2 want=$3 needle=$4 rc
  shift 4
  printf '%s\n' "$@" | "$h" fill "$form" - "$work/rej.xml" >/dev/null 2>"$work/err"
  rc=$?
  if [ "$rc" = "$want" ] && grep -qF -- "$needle" "$work/err"; then
    ok "$name"
  else
    bad "$name" "status $rc: $(cat "$work/err")"
  fi
}

for f in "$s"/protection_request.xml "$s"/protection_request_encrypted.xml; do
  if java -jar "$jar" "$f" 2>&1 | grep -q 'Xform is valid!'; then ok "ODK Validate: $(basename "$f")"
  else bad "ODK Validate: $(basename "$f")"; fi
done

expect_fill fill-plain "$s/protection_request.xml" "$s/answers_ok.txt" \
  '<name>José "Pepe" &lt;Ríos&gt; &amp; hijos</name>'
expect_fill fill-encrypted-form "$s/protection_request_encrypted.xml" "$s/answers_encrypted_ok.txt" \
  '<evidence>foto 1.jpg</evidence>'

F=$s/protection_request.xml
base=(/data/beneficiary/name=Ana /data/department=cauca /data/facts=x /data/consent=yes)
expect_reject required-missing "$F" 1 "/data/facts: required question has no answer" \
  /data/beneficiary/name=Ana /data/department=cauca /data/consent=yes
expect_reject constraint "$F" 1 "/data/consent (line 4): constraint violated: Sin consentimiento" \
  /data/beneficiary/name=Ana /data/department=cauca /data/facts=x /data/consent=no
expect_reject repeat-constraint "$F" 1 "/data/beneficiary[2]/document (line 6): constraint violated" \
  "${base[@]}" "/data/beneficiary[2]/name=B" "/data/beneficiary[2]/document=a b"
expect_reject repeat-required "$F" 1 "/data/beneficiary[2]/name: required" \
  "${base[@]}" "/data/beneficiary[2]/document=1234"
expect_reject unknown-choice "$F" 1 "'lima' is not a choice" "${base[@]/cauca/lima}"
expect_reject unknown-path "$F" 1 "/data/factz (line 5): no question at this path" "${base[@]}" /data/factz=y
expect_reject not-relevant "$F" 1 "/data/aggression_other (line 5): question is not relevant" \
  "${base[@]}" /data/aggression_other=y
expect_reject relevant-required "$F" 1 "/data/aggression_other: required question has no answer" \
  "${base[@]}" /data/aggressions=other
expect_reject bad-escape "$F" 2 "unknown escape" '/data/facts=a\qb'

id=uuid:00000000-0000-4000-8000-000000000001
if got=$(printf '%s\n' "${base[@]}" "!/data/meta/instanceID=$id" | "$h" fill "$F" - "$work/o.xml" 2>&1) \
   && [ "$got" = "$id" ] && grep -qF "<instanceID>$id</instanceID>" "$work/o.xml"; then
  ok override-instanceID
else
  bad override-instanceID "$got"
fi

if "$h" paths "$F" | grep -q $'^/data/beneficiary\[1\]/name\tstring\trequired$'; then ok paths; else bad paths; fi
if "$h" info "$s/protection_request_encrypted.xml" | grep -q '^base64RsaPublicKey=MII'; then ok info; else bad info; fi

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
