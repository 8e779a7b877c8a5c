/* cli_mldsa.c: `cctsa mldsa keygen | sign | verify`: ML-DSA-65 (FIPS 204) from the command line.
 * Keys, signatures and messages are given as hex strings or files (a file may hold raw bytes or
 * hex text). Exit status: 0 success / valid signature, 1 invalid signature, 2 usage or input
 * error. Secret keys and seeds are wiped from memory after use. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/base.h"
#include "cli/commands.h"
#include "crypto/ct.h"
#include "crypto/mldsa.h"

#define EXIT_OK 0
#define EXIT_INVALID 1
#define EXIT_USAGE 2
#define MAX_INPUT_BYTES ((size_t)256 << 20) /* messages read with --in: 256 MiB at most */

static const char usage_text[] =
    "usage: cctsa mldsa keygen [--seed HEX] [--pk FILE --sk FILE]\n"
    "       cctsa mldsa sign   --sk FILE|HEX (--msg HEX | --in FILE) [--ctx HEX] [--prehash ALG]\n"
    "                          [--deterministic | --rnd HEX] [-o FILE]\n"
    "       cctsa mldsa verify --pk FILE|HEX --sig FILE|HEX (--msg HEX | --in FILE) [--ctx HEX]\n"
    "                          [--prehash ALG]\n"
    "\n"
    "ML-DSA-65 (FIPS 204). keygen derives the key pair from a 32-byte seed (random if omitted) and\n"
    "writes raw pk/sk files, or prints 'pk HEX' and 'sk HEX' lines. sign is hedged (fresh rnd) unless\n"
    "--deterministic or --rnd is given; it writes the raw 3309-byte signature to -o FILE or prints it\n"
    "as hex. verify prints 'valid' (exit 0) or 'invalid' (exit 1). --ctx is the FIPS 204 context\n"
    "string (at most 255 bytes); --prehash selects HashML-DSA with SHA2-224|SHA2-256|SHA2-384|\n"
    "SHA2-512|SHA2-512/224|SHA2-512/256|SHA3-224|SHA3-256|SHA3-384|SHA3-512|SHAKE-128|SHAKE-256.\n"
    "A FILE|HEX argument naming an existing file is read from it (raw bytes or hex text).\n"
    "Exit status: 0 ok/valid, 1 invalid signature, 2 usage or input error.\n";

/* --- byte-string helpers --- */

typedef struct {
    uint8_t *data;
    size_t len;
} bytes;

static void bytes_free(bytes *b, int secret)
{
    if (b->data && secret) cc_memzero(b->data, b->len);
    free(b->data);
    b->data = NULL;
    b->len = 0;
}

/* Decode hex, ignoring whitespace; 0 on success. */
static int hex_decode(bytes *out, const char *hex, size_t hexlen)
{
    out->data = malloc(hexlen / 2 + 1);
    out->len = 0;
    if (!out->data) return -1;
    return cc_hex_decode(hex, hexlen, out->data, hexlen / 2 + 1, &out->len, CC_HEX_SKIP_SPACE);
}

/* The whole file (it may hold a secret key: base reads unbuffered and wipes what it frees). */
static int read_file(bytes *out, const char *path)
{
    out->data = NULL;
    out->len = 0;
    return cc_file_read(path, MAX_INPUT_BYTES, &out->data, &out->len);
}

static int is_regular_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* A FILE|HEX argument holding exactly `want` bytes (a file may contain raw bytes or hex text). */
static int load_fixed(uint8_t *out, size_t want, const char *arg, const char *what, int secret)
{
    bytes b = {NULL, 0};
    int ok;
    if (is_regular_file(arg)) {
        if (read_file(&b, arg) != 0) {
            cli_error("mldsa: cannot read %s file '%s': %s", what, arg, strerror(errno));
            bytes_free(&b, secret);
            return -1;
        }
        if (b.len != want) { /* maybe hex text */
            bytes h = {NULL, 0};
            if (hex_decode(&h, (const char *)b.data, b.len) == 0 && h.len == want) {
                bytes_free(&b, secret);
                b = h;
            } else {
                bytes_free(&h, secret);
            }
        }
    } else if (hex_decode(&b, arg, strlen(arg)) != 0) {
        cli_error("mldsa: %s '%.40s%s' is neither a file nor valid hex", what, arg, strlen(arg) > 40 ? "..." : "");
        bytes_free(&b, secret);
        return -1;
    }
    ok = b.len == want;
    if (ok)
        memcpy(out, b.data, want);
    else
        cli_error("mldsa: %s must be %zu bytes, got %zu", what, want, b.len);
    bytes_free(&b, secret);
    return ok ? 0 : -1;
}

static int write_file(const char *path, const uint8_t *data, size_t len, int secret)
{
    FILE *f = fopen(path, "wb");
    if (!f) {
        cli_error("mldsa: cannot create '%s': %s", path, strerror(errno));
        return -1;
    }
    if (secret) chmod(path, 0600);
    int ok = fwrite(data, 1, len, f) == len;
    ok = (fclose(f) == 0) && ok;
    if (!ok) cli_error("mldsa: cannot write '%s'", path);
    return ok ? 0 : -1;
}

static void print_hex(const char *label, const uint8_t *data, size_t len)
{
    if (label) printf("%s ", label);
    for (size_t i = 0; i < len; i++) printf("%02x", data[i]);
    putchar('\n');
}

/* --- option parsing shared by the subcommands --- */

typedef struct {
    const char *seed, *pk, *sk, *sig, *msg, *in, *ctx, *rnd, *out, *prehash;
    int deterministic;
} options;

static int parse_options(int argc, char **argv, options *o)
{
    memset(o, 0, sizeof *o);
    const cc_opt opts[] = {
        CC_STR_OPT("--seed", &o->seed),
        CC_STR_OPT("--pk", &o->pk),
        CC_STR_OPT("--sk", &o->sk),
        CC_STR_OPT("--sig", &o->sig),
        CC_STR_OPT("--msg", &o->msg),
        CC_STR_OPT("--in", &o->in),
        CC_STR_OPT("--ctx", &o->ctx),
        CC_STR_OPT("--rnd", &o->rnd),
        CC_STR_OPT("-o", &o->out),
        CC_STR_OPT("--prehash", &o->prehash),
        CC_FLAG_OPT("--deterministic", &o->deterministic),
    };
    return cli_sub_opts("mldsa", argc - 1, argv + 1, opts, CC_NOPTS(opts), NULL, 0, NULL);
}

/* Options that a subcommand does not take are errors, not silently ignored. */
static int reject_unused(const options *o, const char *cmd, const char *allowed)
{
    const struct {
        const char *name, *value;
    } all[] = {{"--seed", o->seed},
               {"--pk", o->pk},
               {"--sk", o->sk},
               {"--sig", o->sig},
               {"--msg", o->msg},
               {"--in", o->in},
               {"--ctx", o->ctx},
               {"--rnd", o->rnd},
               {"-o", o->out},
               {"--prehash", o->prehash},
               {"--deterministic", o->deterministic ? "" : NULL}};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        if (!all[i].value) continue;
        char key[32];
        snprintf(key, sizeof key, " %s ", all[i].name);
        if (!strstr(allowed, key)) {
            cli_error("mldsa %s: option %s does not apply here (see --help)", cmd, all[i].name);
            return -1;
        }
    }
    return 0;
}

/* The message (--msg HEX or --in FILE) and the context (--ctx HEX, at most 255 bytes). */
static int load_message(const options *o, bytes *msg, bytes *ctx)
{
    msg->data = ctx->data = NULL;
    msg->len = ctx->len = 0;
    if (!!o->msg == !!o->in) {
        cli_error("mldsa: give exactly one of --msg HEX or --in FILE");
        return -1;
    }
    if (o->msg && hex_decode(msg, o->msg, strlen(o->msg)) != 0) {
        cli_error("mldsa: --msg is not valid hex");
        return -1;
    }
    if (o->in && read_file(msg, o->in) != 0) {
        cli_error("mldsa: cannot read --in file '%s' (missing, unreadable or over 256 MiB)", o->in);
        return -1;
    }
    if (o->ctx) {
        if (hex_decode(ctx, o->ctx, strlen(o->ctx)) != 0) {
            cli_error("mldsa: --ctx is not valid hex");
            return -1;
        }
        if (ctx->len > CC_MLDSA_MAX_CTX) {
            cli_error("mldsa: --ctx is %zu bytes; FIPS 204 allows at most 255", ctx->len);
            return -1;
        }
    }
    return 0;
}

static int parse_prehash(const options *o, int *ph)
{
    *ph = -1;
    if (!o->prehash) return 0;
    *ph = cc_prehash_from_name(o->prehash);
    if (*ph < 0) cli_error("mldsa: unknown --prehash '%s' (see --help for the list)", o->prehash);
    return *ph < 0 ? -1 : 0;
}

/* --- subcommands --- */

static int cmd_keygen(const options *o)
{
    uint8_t seed[CC_MLDSA65_SEEDBYTES];
    static uint8_t pk[CC_MLDSA65_PKBYTES], sk[CC_MLDSA65_SKBYTES];
    int rc = EXIT_USAGE;
    if (reject_unused(o, "keygen", " --seed --pk --sk ") != 0) return EXIT_USAGE;
    if (!!o->pk != !!o->sk) {
        cli_error("mldsa keygen: give both --pk FILE and --sk FILE, or neither to print hex");
        return EXIT_USAGE;
    }
    if (o->seed) {
        if (load_fixed(seed, sizeof seed, o->seed, "--seed", 1) != 0) return EXIT_USAGE;
    } else if (cc_randombytes(seed, sizeof seed) != 0) {
        cli_error("mldsa keygen: the system random generator failed");
        return EXIT_USAGE;
    }
    if (cc_mldsa65_keygen_seed(pk, sk, seed) == CC_MLDSA_OK) {
        if (o->pk) {
            if (write_file(o->sk, sk, sizeof sk, 1) == 0 && write_file(o->pk, pk, sizeof pk, 0) == 0) rc = EXIT_OK;
        } else {
            print_hex("pk", pk, sizeof pk);
            print_hex("sk", sk, sizeof sk);
            rc = EXIT_OK;
        }
    }
    cc_memzero(seed, sizeof seed);
    cc_memzero(sk, sizeof sk);
    return rc;
}

static int cmd_sign(const options *o)
{
    static uint8_t sk[CC_MLDSA65_SKBYTES], sig[CC_MLDSA65_SIGBYTES];
    uint8_t rnd[CC_MLDSA65_RNDBYTES];
    bytes msg, ctx;
    int ph, rc = EXIT_USAGE;
    if (reject_unused(o, "sign", " --sk --msg --in --ctx --rnd --deterministic -o --prehash ") != 0) return EXIT_USAGE;
    if (!o->sk) {
        cli_error("mldsa sign: --sk FILE|HEX is required");
        return EXIT_USAGE;
    }
    if (o->deterministic && o->rnd) {
        cli_error("mldsa sign: --deterministic and --rnd exclude each other");
        return EXIT_USAGE;
    }
    if (parse_prehash(o, &ph) != 0) return EXIT_USAGE;
    if (o->rnd) {
        if (load_fixed(rnd, sizeof rnd, o->rnd, "--rnd", 1) != 0) return EXIT_USAGE;
    } else if (!o->deterministic && cc_randombytes(rnd, sizeof rnd) != 0) {
        cli_error("mldsa sign: the system random generator failed");
        return EXIT_USAGE;
    }
    if (load_fixed(sk, sizeof sk, o->sk, "--sk", 1) != 0) goto out_rnd;
    if (load_message(o, &msg, &ctx) != 0) goto out;
    const uint8_t *r = o->deterministic ? NULL : rnd;
    int src = ph >= 0 ? cc_mldsa65_sign_prehash(sig, msg.data, msg.len, ctx.data, ctx.len, (cc_prehash_alg)ph, r, sk)
                      : cc_mldsa65_sign(sig, msg.data, msg.len, ctx.data, ctx.len, r, sk);
    if (src == CC_MLDSA_EKEY) {
        cli_error("mldsa sign: the secret key is malformed (coefficients out of range)");
    } else if (src != CC_MLDSA_OK) {
        cli_error("mldsa sign: signing failed (error %d)", src);
    } else if (o->out) {
        rc = write_file(o->out, sig, sizeof sig, 0) == 0 ? EXIT_OK : EXIT_USAGE;
    } else {
        print_hex(NULL, sig, sizeof sig);
        rc = EXIT_OK;
    }
out:
    bytes_free(&msg, 0);
    bytes_free(&ctx, 0);
out_rnd:
    cc_memzero(sk, sizeof sk);
    cc_memzero(rnd, sizeof rnd);
    return rc;
}

static int cmd_verify(const options *o)
{
    static uint8_t pk[CC_MLDSA65_PKBYTES], sig[CC_MLDSA65_SIGBYTES];
    bytes msg, ctx;
    int ph;
    if (reject_unused(o, "verify", " --pk --sig --msg --in --ctx --prehash ") != 0) return EXIT_USAGE;
    if (!o->pk || !o->sig) {
        cli_error("mldsa verify: --pk FILE|HEX and --sig FILE|HEX are required");
        return EXIT_USAGE;
    }
    if (parse_prehash(o, &ph) != 0) return EXIT_USAGE;
    if (load_fixed(pk, sizeof pk, o->pk, "--pk", 0) != 0) return EXIT_USAGE;
    /* a signature of the wrong length is an invalid signature, not a usage error */
    bytes s = {NULL, 0};
    int sig_ok = 0;
    if (is_regular_file(o->sig) ? read_file(&s, o->sig) == 0 : hex_decode(&s, o->sig, strlen(o->sig)) == 0) {
        if (s.len != sizeof sig) {
            bytes h = {NULL, 0};
            if (hex_decode(&h, (const char *)s.data, s.len) == 0 && h.len == sizeof sig) {
                bytes_free(&s, 0);
                s = h;
            } else {
                bytes_free(&h, 0);
            }
        }
        sig_ok = 1;
    } else {
        cli_error("mldsa verify: --sig is neither a readable file nor valid hex");
    }
    if (!sig_ok || load_message(o, &msg, &ctx) != 0) {
        bytes_free(&s, 0);
        return EXIT_USAGE;
    }
    int vrc =
        ph >= 0 ? cc_mldsa65_verify_prehash(s.data, s.len, msg.data, msg.len, ctx.data, ctx.len, (cc_prehash_alg)ph, pk)
                : cc_mldsa65_verify(s.data, s.len, msg.data, msg.len, ctx.data, ctx.len, pk);
    if (vrc == CC_MLDSA_OK)
        printf("valid\n");
    else if (s.len != sizeof sig)
        printf("invalid (signature is %zu bytes, expected %zu)\n", s.len, sizeof sig);
    else
        printf("invalid\n");
    bytes_free(&s, 0);
    bytes_free(&msg, 0);
    bytes_free(&ctx, 0);
    return vrc == CC_MLDSA_OK ? EXIT_OK : EXIT_INVALID;
}

int cli_mldsa(int argc, char **argv)
{
    if (argc < 2 || cli_wants_help(argc, argv)) {
        fputs(usage_text, argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : EXIT_OK;
    }
    options o;
    if (parse_options(argc, argv, &o) != 0) return EXIT_USAGE;
    if (!strcmp(argv[1], "keygen")) return cmd_keygen(&o);
    if (!strcmp(argv[1], "sign")) return cmd_sign(&o);
    if (!strcmp(argv[1], "verify")) return cmd_verify(&o);
    cli_error("mldsa: unknown subcommand '%s' (keygen, sign or verify)", argv[1]);
    return EXIT_USAGE;
}
