/* cli_version.c: `cctsa version [--json]`: the version, the source commit and date, the compiler and
 * flags, and the SHA-384 of this executable's own bytes (what the simulated measurement hashes). */
#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

#include "cctsa_build_info.h"
#include "cli/commands.h"

/* SHA-384 of /proc/self/exe as lowercase hex; returns 0 on success. */
static int self_sha384_hex(char hex[2 * 48 + 1])
{
    FILE *f = fopen("/proc/self/exe", "rb");
    if (f == NULL) return -1;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int ok = ctx != NULL && EVP_DigestInit_ex(ctx, EVP_sha384(), NULL) == 1;
    unsigned char buf[16384];
    size_t n;
    while (ok && (n = fread(buf, 1, sizeof buf, f)) > 0) ok = EVP_DigestUpdate(ctx, buf, n) == 1;
    ok = ok && !ferror(f);
    unsigned char md[48];
    unsigned int mdlen = 0;
    ok = ok && EVP_DigestFinal_ex(ctx, md, &mdlen) == 1 && mdlen == sizeof md;
    EVP_MD_CTX_free(ctx);
    fclose(f);
    if (!ok) return -1;
    for (size_t i = 0; i < sizeof md; i++) snprintf(hex + 2 * i, 3, "%02x", md[i]);
    return 0;
}

static int print_json(const char *self_hash)
{
    json_t *o = json_pack("{s:s, s:s, s:I, s:s, s:s, s:s, s:s?}", "version", CCTSA_VERSION, "source_commit",
                          CCTSA_SOURCE_COMMIT, "source_date_epoch", (json_int_t)CCTSA_SOURCE_DATE_EPOCH, "compiler",
                          __VERSION__, "flags", CCTSA_BUILD_FLAGS, "openssl", OpenSSL_version(OPENSSL_VERSION_STRING),
                          "binary_sha384", self_hash);
    if (o == NULL) {
        cli_error("version: cannot build the JSON output");
        return 1;
    }
    int rc = json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER) == 0 ? 0 : 1;
    putchar('\n');
    json_decref(o);
    return rc;
}

int cli_version(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        printf("usage: cctsa version [--json]\n"
               "Prints the cctsa version, the source commit, the compiler and its flags, the OpenSSL version\n"
               "and the SHA-384 of this executable. --json prints the same as one JSON object.\n");
        return 0;
    }
    int json = 0;
    const cc_opt opts[] = {CC_FLAG_OPT("--json", &json)};
    if (cli_opts("version", argc, argv, opts, CC_NOPTS(opts), NULL, 0, NULL) != 0) return 2;
    char hex[2 * 48 + 1];
    const char *self_hash = self_sha384_hex(hex) == 0 ? hex : NULL;
    if (json) return print_json(self_hash);
    printf("cctsa %s\n", CCTSA_VERSION);
    printf("  source %s (commit date %lld)\n", CCTSA_SOURCE_COMMIT, (long long)CCTSA_SOURCE_DATE_EPOCH);
    printf("  built with %s, C%ld\n", __VERSION__, (long)(__STDC_VERSION__ / 100 % 100));
    printf("  flags %s\n", CCTSA_BUILD_FLAGS);
    printf("  OpenSSL %s\n", OpenSSL_version(OPENSSL_VERSION_STRING));
    printf("  binary SHA-384 %s\n", self_hash != NULL ? self_hash : "(unreadable)");
    printf("  ML-DSA-65 (FIPS 204), SHAKE/SHA-3 (FIPS 202): our own implementation\n");
    return 0;
}
