/* cli_version.c: `cctsa version`. */
#include <openssl/crypto.h>
#include <stdio.h>

#include "cli/commands.h"

int cli_version(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        printf("usage: cctsa version\nPrints the cctsa version, compiler and OpenSSL version.\n");
        return 0;
    }
    printf("cctsa %s\n", CCTSA_VERSION);
    printf("  built with %s, C%ld\n", __VERSION__, (long)(__STDC_VERSION__ / 100 % 100));
    printf("  OpenSSL %s\n", OpenSSL_version(OPENSSL_VERSION_STRING));
    printf("  ML-DSA-65 (FIPS 204), SHAKE/SHA-3 (FIPS 202): our own implementation\n");
    return 0;
}
