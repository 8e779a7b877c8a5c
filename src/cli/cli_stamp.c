/* cli_stamp.c: `cctsa stamp`: hash a file, send an RFC 3161 request to a TSA over HTTP, check
 * that the reply answers this request (status, imprint, nonce, policy) and save it. */
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "cli/commands.h"
#include "tsp/tsp_client.h"
#include "tsp/tsp_hash.h"
#include "tsp/tsp_parse.h"
#include "tsp/tsp_profile.h"
#include "tsp/tsp_req.h"

static const char usage_text[] =
    "usage: cctsa stamp FILE --url URL [--profile classic|pq|hybrid|compat | --policy OID] [--hash ALG] [--no-cert]\n"
    "                   [-o OUT]\n"
    "       cctsa stamp --request REQ.tsq --url URL -o OUT\n"
    "\n"
    "Hash FILE (ALG: sha256 (default), sha384, sha512, sha3-256, sha3-384, sha3-512), send a time-stamp\n"
    "request with a fresh 64-bit nonce to the TSA at URL (e.g. http://127.0.0.1:8318/tsa), check that the\n"
    "reply is granted and matches the request (imprint, nonce, policy), and write the TimeStampResp to\n"
    "OUT (default FILE.tsr). --profile asks for that profile's development-default policy OID, --policy for\n"
    "the given one (a TSA's own, dotted); --no-cert omits certReq.\n"
    "--request sends an already encoded request (e.g. from openssl ts -query) and saves the reply as is.\n"
    "Exit status: 0 granted and consistent, 1 refused or inconsistent, 2 usage error.\n";

typedef struct {
    const char *file, *url, *profile, *policy, *hash, *out, *request;
    int no_cert;
} stamp_opts;

static int parse_args(int argc, char **argv, stamp_opts *o)
{
    memset(o, 0, sizeof *o);
    o->hash = "sha256";
    const cc_opt opts[] = {CC_STR_OPT("--url", &o->url),
                           CC_STR_OPT("--profile", &o->profile),
                           CC_STR_OPT("--policy", &o->policy),
                           CC_STR_OPT("--hash", &o->hash),
                           CC_STR_OPT("-o", &o->out),
                           CC_STR_OPT("--request", &o->request),
                           CC_FLAG_OPT("--no-cert", &o->no_cert)};
    if (cli_opts("stamp", argc, argv, opts, CC_NOPTS(opts), &o->file, 1, NULL) != 0) return -1;
    if (o->profile && o->policy) {
        cli_error("stamp: --profile and --policy both name the policy: give one");
        return -1;
    }
    if (o->request && (o->profile || o->policy)) {
        cli_error("stamp: with --request the request already names its policy");
        return -1;
    }
    return o->url && (o->file || (o->request && o->out)) ? 0 : -1;
}

static int send_prepared(const stamp_opts *o)
{
    uint8_t *req = NULL, *resp = NULL;
    size_t req_len = 0, resp_len = 0;
    char err[300];
    if (cc_file_read(o->request, TSP_REQ_MAX_LEN, &req, &req_len) != 0) {
        cli_error("stamp: cannot read request %s", o->request);
        return 1;
    }
    int rc = tsp_http_post(o->url, req, req_len, &resp, &resp_len, err, sizeof err);
    if (rc != 0)
        cli_error("stamp: %s", err);
    else if (cc_file_write(o->out, resp, resp_len, 0) != 0)
        cli_error("stamp: cannot write %s", o->out), rc = -1;
    else
        printf("reply (%zu bytes) written to %s\n", resp_len, o->out);
    free(req);
    free(resp);
    return rc ? 1 : 0;
}

/* The reply must answer our request: granted, same imprint, same nonce, requested policy. */
static int check_reply(const tsp_parsed *t, tsp_hash_alg h, const uint8_t *digest, const uint8_t *nonce,
                       size_t nonce_len, const uint8_t *policy, size_t policy_len)
{
    const tsp_tstinfo *ti = &t->tstinfo;
    if (!t->has_resp || (t->status != 0 && t->status != 1)) {
        int bit = -1;
        for (int i = 0; i < 32 && bit < 0; i++)
            if (t->fail_bits & (1u << i)) bit = i;
        cli_error("stamp: the TSA refused: status %s, failInfo %s%s%s", tsp_status_name(t->status),
                  bit >= 0 ? tsp_fail_name(bit) : "none", t->status_text[0] ? ": " : "", t->status_text);
        return -1;
    }
    if (!t->token.p) return cli_error("stamp: granted reply without a token"), -1;
    if (ti->hash != (int)h || ti->hashed_len != tsp_hash_len(h) || memcmp(ti->hashed, digest, ti->hashed_len))
        return cli_error("stamp: the token's message imprint is not the one requested"), -1;
    if (!ti->nonce || ti->nonce_len != nonce_len || memcmp(ti->nonce, nonce, nonce_len))
        return cli_error("stamp: the token does not echo our nonce"), -1;
    if (policy && (ti->policy_len != policy_len || memcmp(ti->policy, policy, policy_len)))
        return cli_error("stamp: the token's policy is not the requested one"), -1;
    return 0;
}

int cli_stamp(int argc, char **argv)
{
    stamp_opts o;
    if (cli_wants_help(argc, argv)) return fputs(usage_text, stdout), 0;
    if (parse_args(argc, argv, &o) != 0) return fputs(usage_text, stderr), 2;
    if (o.request) return send_prepared(&o);
    int h = tsp_hash_from_name(o.hash), profile = o.profile ? tsp_profile_from_name(o.profile) : -1;
    if (h < 0) return cli_error("stamp: unknown hash '%s'", o.hash), 2;
    if (o.profile && profile < 0) return cli_error("stamp: unknown profile '%s'", o.profile), 2;

    uint8_t digest[TSP_HASH_MAX_LEN], nonce[8], *req = NULL, *resp = NULL;
    size_t req_len = 0, resp_len = 0, policy_len = 0;
    const uint8_t *policy = profile >= 0 ? tsp_profile_policy((tsp_profile)profile, &policy_len) : NULL;
    tsp_policies own; /* --policy: one slot holds the encoded OID */
    if (o.policy) {
        tsp_policies_default(&own);
        if (tsp_policies_set(&own, TSP_PROFILE_CLASSIC, o.policy) != 0)
            return cli_error("stamp: --policy takes a dotted OID, got '%s'", o.policy), 2;
        policy = own.oid[TSP_PROFILE_CLASSIC];
        policy_len = own.len[TSP_PROFILE_CLASSIC];
    }
    char err[300], out_path[4096];
    if (tsp_hash_file((tsp_hash_alg)h, o.file, digest) != 0) return cli_error("stamp: cannot read %s", o.file), 1;
    if (RAND_bytes(nonce, sizeof nonce) != 1) return cli_error("stamp: no randomness for the nonce"), 1;
    nonce[0] = (uint8_t)((nonce[0] & 0x7F) | 0x01); /* 8 significant bytes: compared as magnitude */
    if (tsp_req_encode((tsp_hash_alg)h, digest, policy, policy_len, nonce, sizeof nonce, !o.no_cert, &req, &req_len) !=
        0)
        return cli_error("stamp: cannot encode the request"), 1;
    int rc = 1;
    tsp_parsed t;
    if (tsp_http_post(o.url, req, req_len, &resp, &resp_len, err, sizeof err) != 0) {
        cli_error("stamp: %s", err);
    } else if (tsp_parse(resp, resp_len, &t, err, sizeof err) != 0) {
        cli_error("stamp: malformed reply: %s", err);
    } else if (check_reply(&t, (tsp_hash_alg)h, digest, nonce, sizeof nonce, policy, policy_len) == 0) {
        snprintf(out_path, sizeof out_path, "%s%s", o.out ? o.out : o.file, o.out ? "" : ".tsr");
        if (cc_file_write(out_path, resp, resp_len, 0) != 0) {
            cli_error("stamp: cannot write %s", out_path);
        } else {
            int p = tsp_profile_from_policy(t.tstinfo.policy, t.tstinfo.policy_len);
            printf("time-stamp token written to %s (profile %s, %d signer%s, %s imprint)\n", out_path,
                   p >= 0 ? tsp_profile_name((tsp_profile)p) : "foreign", t.nsigners, t.nsigners == 1 ? "" : "s",
                   tsp_hash_name((tsp_hash_alg)h));
            rc = 0;
        }
    }
    free(req);
    free(resp);
    return rc;
}
