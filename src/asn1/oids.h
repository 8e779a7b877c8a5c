/* oids.h: OBJECT IDENTIFIER contents octets (X.690 8.19, no tag or length) for every algorithm,
 * content type, attribute and extension the project uses, as string literals so they cost nothing
 * when unused. Use with OID_ARG: der_put_oid(w, OID_ARG(OID_SHA384)) or
 * der_oid_equals(&e, OID_ARG(OID_ML_DSA_65)). Generated from the dotted forms in the comments and
 * checked against OpenSSL's encoder by tests/asn1/test_der_openssl. */
#ifndef CCTSA_ASN1_OIDS_H
#define CCTSA_ASN1_OIDS_H

#include <stdint.h>

/* Pointer and length of an OID_* constant. */
#define OID_ARG(oid) ((const uint8_t *)(oid)), (sizeof(oid) - 1)
#define OID_LEN(oid) (sizeof(oid) - 1)

/* Hash algorithms (NIST CSOR 2.16.840.1.101.3.4.2.*) */
/* 2.16.840.1.101.3.4.2.1 id-sha256 */
#define OID_SHA256 "\x60\x86\x48\x01\x65\x03\x04\x02\x01"
/* 2.16.840.1.101.3.4.2.2 id-sha384 */
#define OID_SHA384 "\x60\x86\x48\x01\x65\x03\x04\x02\x02"
/* 2.16.840.1.101.3.4.2.3 id-sha512 */
#define OID_SHA512 "\x60\x86\x48\x01\x65\x03\x04\x02\x03"
/* 2.16.840.1.101.3.4.2.4 id-sha224 */
#define OID_SHA224 "\x60\x86\x48\x01\x65\x03\x04\x02\x04"
/* 2.16.840.1.101.3.4.2.5 id-sha512-224 */
#define OID_SHA512_224 "\x60\x86\x48\x01\x65\x03\x04\x02\x05"
/* 2.16.840.1.101.3.4.2.6 id-sha512-256 */
#define OID_SHA512_256 "\x60\x86\x48\x01\x65\x03\x04\x02\x06"
/* 2.16.840.1.101.3.4.2.7 id-sha3-224 */
#define OID_SHA3_224 "\x60\x86\x48\x01\x65\x03\x04\x02\x07"
/* 2.16.840.1.101.3.4.2.8 id-sha3-256 */
#define OID_SHA3_256 "\x60\x86\x48\x01\x65\x03\x04\x02\x08"
/* 2.16.840.1.101.3.4.2.9 id-sha3-384 */
#define OID_SHA3_384 "\x60\x86\x48\x01\x65\x03\x04\x02\x09"
/* 2.16.840.1.101.3.4.2.10 id-sha3-512 */
#define OID_SHA3_512 "\x60\x86\x48\x01\x65\x03\x04\x02\x0A"
/* 2.16.840.1.101.3.4.2.11 id-shake128 */
#define OID_SHAKE128 "\x60\x86\x48\x01\x65\x03\x04\x02\x0B"
/* 2.16.840.1.101.3.4.2.12 id-shake256 */
#define OID_SHAKE256 "\x60\x86\x48\x01\x65\x03\x04\x02\x0C"
/* 1.3.14.3.2.26 id-sha1 (recognised only to reject it) */
#define OID_SHA1 "\x2B\x0E\x03\x02\x1A"

/* Signature and key algorithms */
/* 1.2.840.10045.2.1 id-ecPublicKey (RFC 5480) */
#define OID_EC_PUBLIC_KEY "\x2A\x86\x48\xCE\x3D\x02\x01"
#define OID_SECP384R1 "\x2B\x81\x04\x00\x22" /* 1.3.132.0.34 secp384r1 named curve */
/* 1.2.840.10045.3.1.7 prime256v1 / secp256r1 named curve */
#define OID_PRIME256V1 "\x2A\x86\x48\xCE\x3D\x03\x01\x07"
/* 1.2.840.10045.4.3.2 ecdsa-with-SHA256 */
#define OID_ECDSA_SHA256 "\x2A\x86\x48\xCE\x3D\x04\x03\x02"
/* 1.2.840.10045.4.3.3 ecdsa-with-SHA384 */
#define OID_ECDSA_SHA384 "\x2A\x86\x48\xCE\x3D\x04\x03\x03"
/* 1.2.840.10045.4.3.4 ecdsa-with-SHA512 */
#define OID_ECDSA_SHA512 "\x2A\x86\x48\xCE\x3D\x04\x03\x04"
/* 1.2.840.113549.1.1.1 rsaEncryption */
#define OID_RSA_ENCRYPTION "\x2A\x86\x48\x86\xF7\x0D\x01\x01\x01"
/* 1.2.840.113549.1.1.11 sha256WithRSAEncryption */
#define OID_SHA256_WITH_RSA "\x2A\x86\x48\x86\xF7\x0D\x01\x01\x0B"
/* 2.16.840.1.101.3.4.3.17 id-ml-dsa-44 (RFC 9881) */
#define OID_ML_DSA_44 "\x60\x86\x48\x01\x65\x03\x04\x03\x11"
/* 2.16.840.1.101.3.4.3.18 id-ml-dsa-65 (RFC 9881): parameters ABSENT */
#define OID_ML_DSA_65 "\x60\x86\x48\x01\x65\x03\x04\x03\x12"
/* 2.16.840.1.101.3.4.3.19 id-ml-dsa-87 (RFC 9881) */
#define OID_ML_DSA_87 "\x60\x86\x48\x01\x65\x03\x04\x03\x13"

/* CMS (RFC 5652) content types and attributes */
/* 1.2.840.113549.1.7.1 id-data */
#define OID_CMS_DATA "\x2A\x86\x48\x86\xF7\x0D\x01\x07\x01"
/* 1.2.840.113549.1.7.2 id-signedData */
#define OID_CMS_SIGNED_DATA "\x2A\x86\x48\x86\xF7\x0D\x01\x07\x02"
/* 1.2.840.113549.1.9.16.1.4 id-smime-ct-TSTInfo (RFC 3161) */
#define OID_CT_TSTINFO "\x2A\x86\x48\x86\xF7\x0D\x01\x09\x10\x01\x04"
/* 1.2.840.113549.1.9.3 id-contentType */
#define OID_ATTR_CONTENT_TYPE "\x2A\x86\x48\x86\xF7\x0D\x01\x09\x03"
/* 1.2.840.113549.1.9.4 id-messageDigest */
#define OID_ATTR_MESSAGE_DIGEST "\x2A\x86\x48\x86\xF7\x0D\x01\x09\x04"
/* 1.2.840.113549.1.9.5 id-signingTime */
#define OID_ATTR_SIGNING_TIME "\x2A\x86\x48\x86\xF7\x0D\x01\x09\x05"
/* 1.2.840.113549.1.9.6 id-countersignature (RFC 5652 section 11.4) */
#define OID_ATTR_COUNTERSIGNATURE "\x2A\x86\x48\x86\xF7\x0D\x01\x09\x06"
/* 1.2.840.113549.1.9.16.2.12 id-aa-signingCertificate (RFC 2634) */
#define OID_ATTR_SIGNING_CERT "\x2A\x86\x48\x86\xF7\x0D\x01\x09\x10\x02\x0C"
/* 1.2.840.113549.1.9.16.2.47 id-aa-signingCertificateV2 (RFC 5035) */
#define OID_ATTR_SIGNING_CERT_V2 "\x2A\x86\x48\x86\xF7\x0D\x01\x09\x10\x02\x2F"
/* 1.2.840.113549.1.9.52 id-aa-CMSAlgorithmProtection (RFC 6211) */
#define OID_ATTR_CMS_ALGORITHM_PROTECT "\x2A\x86\x48\x86\xF7\x0D\x01\x09\x34"
/* 1.2.840.113549.1.9.14 pkcs-9-at-extensionRequest (RFC 2985) */
#define OID_PKCS9_EXTENSION_REQUEST "\x2A\x86\x48\x86\xF7\x0D\x01\x09\x0E"

/* X.509 extensions (RFC 5280 4.2) */
#define OID_EXT_SUBJECT_KEY_ID "\x55\x1D\x0E"          /* 2.5.29.14 id-ce-subjectKeyIdentifier */
#define OID_EXT_KEY_USAGE "\x55\x1D\x0F"               /* 2.5.29.15 id-ce-keyUsage */
#define OID_EXT_SUBJECT_ALT_NAME "\x55\x1D\x11"        /* 2.5.29.17 id-ce-subjectAltName */
#define OID_EXT_BASIC_CONSTRAINTS "\x55\x1D\x13"       /* 2.5.29.19 id-ce-basicConstraints */
#define OID_EXT_CRL_DISTRIBUTION_POINTS "\x55\x1D\x1F" /* 2.5.29.31 id-ce-cRLDistributionPoints */
#define OID_EXT_CERT_POLICIES "\x55\x1D\x20"           /* 2.5.29.32 id-ce-certificatePolicies */
#define OID_EXT_AUTHORITY_KEY_ID "\x55\x1D\x23"        /* 2.5.29.35 id-ce-authorityKeyIdentifier */
#define OID_EXT_EXT_KEY_USAGE "\x55\x1D\x25"           /* 2.5.29.37 id-ce-extKeyUsage */
/* 1.3.6.1.5.5.7.3.8 id-kp-timeStamping (RFC 3161 2.3) */
#define OID_KP_TIME_STAMPING "\x2B\x06\x01\x05\x05\x07\x03\x08"
/* 1.3.6.1.5.5.7.1.1 id-pe-authorityInfoAccess */
#define OID_PE_AUTHORITY_INFO_ACCESS "\x2B\x06\x01\x05\x05\x07\x01\x01"

/* TCG DICE (TCG DICE Attestation Architecture) */
#define OID_TCG_DICE_TCB_INFO "\x67\x81\x05\x05\x04\x01"       /* 2.23.133.5.4.1 tcg-dice-TcbInfo */
#define OID_TCG_DICE_MULTI_TCB_INFO "\x67\x81\x05\x05\x04\x05" /* 2.23.133.5.4.5 tcg-dice-MultiTcbInfo */

/* X.520 distinguished-name attributes */
#define OID_AT_COMMON_NAME "\x55\x04\x03"   /* 2.5.4.3 id-at-commonName */
#define OID_AT_SERIAL_NUMBER "\x55\x04\x05" /* 2.5.4.5 id-at-serialNumber */
#define OID_AT_COUNTRY "\x55\x04\x06"       /* 2.5.4.6 id-at-countryName */
#define OID_AT_LOCALITY "\x55\x04\x07"      /* 2.5.4.7 id-at-localityName */
#define OID_AT_STATE "\x55\x04\x08"         /* 2.5.4.8 id-at-stateOrProvinceName */
#define OID_AT_ORGANIZATION "\x55\x04\x0A"  /* 2.5.4.10 id-at-organizationName */
#define OID_AT_ORG_UNIT "\x55\x04\x0B"      /* 2.5.4.11 id-at-organizationalUnitName */

#endif
