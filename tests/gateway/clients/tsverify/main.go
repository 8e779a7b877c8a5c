// tsverify: a Go RFC 3161 verifier as the Go ecosystem writes one, for cctsa's client tests:
// encoding/asn1 for TimeStampResp and TSTInfo (the field types of github.com/digitorus/timestamp,
// the library sigstore's cosign and timestamp-authority use) and github.com/fullsailor/pkcs7 for
// the CMS signature, its messageDigest and the chain to the given root at genTime. Built from
// Debian's golang-go and golang-github-fullsailor-pkcs7-dev in GOPATH mode, offline.
//
// usage: tsverify ROOT.pem DATA REPLY.tsr...
// prints one line per reply: "REPLY: OK policy=OID genTime=TIME" or "REPLY: REFUSED: reason".
package main

import (
	"bytes"
	"crypto"
	_ "crypto/sha256"
	_ "crypto/sha512"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"os"
	"time"

	"github.com/fullsailor/pkcs7"
)

// The types below are those of github.com/digitorus/timestamp (timestamp.go).
type pkiStatusInfo struct {
	Status       int
	StatusString []string       `asn1:"optional,utf8"`
	FailInfo     asn1.BitString `asn1:"optional"`
}

type response struct {
	Status         pkiStatusInfo
	TimeStampToken asn1.RawValue `asn1:"optional"`
}

type messageImprint struct {
	HashAlgorithm pkix.AlgorithmIdentifier
	HashedMessage []byte
}

type accuracy struct {
	Seconds      int64 `asn1:"optional"`
	Milliseconds int64 `asn1:"tag:0,optional"`
	Microseconds int64 `asn1:"tag:1,optional"`
}


type tstInfo struct {
	Version        int
	Policy         asn1.ObjectIdentifier
	MessageImprint messageImprint
	SerialNumber   *big.Int
	Time           time.Time        `asn1:"generalized"`
	Accuracy       accuracy         `asn1:"optional"`
	Ordering       bool             `asn1:"optional,default:false"`
	Nonce          *big.Int         `asn1:"optional"`
	TSA            asn1.RawValue    `asn1:"tag:0,optional"`
	Extensions     []pkix.Extension `asn1:"tag:1,optional"`
}

var hashes = map[string]crypto.Hash{
	"2.16.840.1.101.3.4.2.1": crypto.SHA256,
	"2.16.840.1.101.3.4.2.2": crypto.SHA384,
	"2.16.840.1.101.3.4.2.3": crypto.SHA512,
}

func verify(roots *x509.CertPool, data, der []byte) (*tstInfo, error) {
	var resp response
	if rest, err := asn1.Unmarshal(der, &resp); err != nil {
		return nil, err
	} else if len(rest) != 0 {
		return nil, errors.New("trailing data after TimeStampResp")
	}
	if resp.Status.Status > 1 {
		return nil, fmt.Errorf("TSA status %d", resp.Status.Status)
	}
	p7, err := pkcs7.Parse(resp.TimeStampToken.FullBytes)
	if err != nil {
		return nil, err
	}
	var ti tstInfo
	if _, err := asn1.Unmarshal(p7.Content, &ti); err != nil {
		return nil, err
	}
	h, ok := hashes[ti.MessageImprint.HashAlgorithm.Algorithm.String()]
	if !ok {
		return nil, errors.New("unsupported imprint hash")
	}
	d := h.New()
	d.Write(data)
	if !bytes.Equal(d.Sum(nil), ti.MessageImprint.HashedMessage) {
		return nil, errors.New("message imprint does not match the data")
	}
	if err := p7.VerifyWithChainAtTime(roots, ti.Time); err != nil {
		return nil, err
	}
	return &ti, nil
}

func main() {
	if len(os.Args) < 4 || os.Args[1] == "--help" {
		fmt.Fprintln(os.Stderr, "usage: tsverify ROOT.pem DATA REPLY.tsr...")
		os.Exit(2)
	}
	pemBytes, err1 := os.ReadFile(os.Args[1])
	data, err2 := os.ReadFile(os.Args[2])
	if err1 != nil || err2 != nil {
		fmt.Fprintln(os.Stderr, "tsverify: cannot read the root or the data")
		os.Exit(2)
	}
	roots := x509.NewCertPool()
	for block, rest := pem.Decode(pemBytes); block != nil; block, rest = pem.Decode(rest) {
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			fmt.Fprintln(os.Stderr, "tsverify: root:", err)
			os.Exit(2)
		}
		roots.AddCert(c)
	}
	for _, name := range os.Args[3:] {
		der, err := os.ReadFile(name)
		var ti *tstInfo
		if err == nil {
			ti, err = verify(roots, data, der)
		}
		if err != nil {
			fmt.Printf("%s: REFUSED: %s\n", name, bytes.ReplaceAll([]byte(err.Error()), []byte("\n"), []byte(" ")))
		} else {
			fmt.Printf("%s: OK policy=%s genTime=%s\n", name, ti.Policy, ti.Time.UTC().Format(time.RFC3339Nano))
		}
	}
}
