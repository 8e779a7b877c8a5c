#!/usr/bin/env bash
# test_gateway_symbols.sh: cctsa-gateway holds no secret and links no signing code. Its symbol
# table (nm: defined and imported) must name nothing of the local keys, the dev CA, the token
# engine and builder, the signers, ML-DSA, threshold ECDSA/ML-DSA, P-384, the secure allocator,
# or OpenSSL's signing, key generation and private-key functions. The same pattern run on
# cctsa-node must find those (so the check can fail). Neither cctsa-gateway nor cctsa-node may
# need libcurl (only `cctsa stamp` uses it, through cctsa_tsp_client); `cctsa` must (the control).
# usage: test_gateway_symbols.sh BIN_DIR
set -uo pipefail
BIN=$1
PAT='tsp_local_keys|tsp_devca|tsp_engine_(new|issue|respond|update)|tsp_token_build|x509_signer|x509_ecdsa|x509_mldsa|x509_keypair|mldsa|tecdsa|p384|cc_secure_alloc|EVP_PKEY_sign|EVP_DigestSign|ECDSA_do_sign|EVP_PKEY_keygen|PrivateKey|CRYPTO_secure_malloc'
command -v nm >/dev/null || { echo "test_gateway_symbols: nm is missing (binutils)"; exit 1; }
fail=0
gw=$(nm "$BIN/cctsa-gateway" 2>&1 | grep -E "$PAT")
if [ -n "$gw" ]; then echo "FAIL: cctsa-gateway links signing or key code:"; echo "$gw" | head -20; fail=1; fi
node_syms=$(nm "$BIN/cctsa-node")
n=$(grep -cE "$PAT" <<<"$node_syms")
for want in tsp_local_keys_generate tsp_devca_issue tsp_token_build cc_secure_alloc EVP_DigestSign; do
  grep "$want" <<<"$node_syms" | grep -qE "$PAT" || { echo "FAIL: the pattern misses $want in cctsa-node"; fail=1; }
done
needs_curl() { readelf -d "$1" 2>/dev/null | grep NEEDED | grep -q libcurl; }
for b in cctsa-gateway cctsa-node; do
  needs_curl "$BIN/$b" && { echo "FAIL: $b needs libcurl"; fail=1; }
done
needs_curl "$BIN/cctsa" || { echo "FAIL: the libcurl check misses cctsa, which needs it"; fail=1; }
echo "test_gateway_symbols: gateway $( [ -z "$gw" ] && echo clean || echo DIRTY ); the pattern matches $n symbols of cctsa-node"
exit $fail
