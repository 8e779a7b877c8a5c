// TsVerify.java: a Bouncy Castle RFC 3161 verifier (Debian libbcpkix-java) for cctsa's client
// tests: TimeStampResponse parsing, TimeStampToken.validate (signature, ESS signing-certificate
// hash, TSA certificate EKU and validity at genTime), the TSA certificate's signature by one of
// the given roots, and the message imprint against the data. One JVM run for all replies.
//
// usage: java -cp BC_JARS:. TsVerify ROOTS.pem DATA REPLY.tsr...
// prints one line per reply: "REPLY: OK policy=OID" or "REPLY: REFUSED: reason".
import java.io.FileReader;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.security.Security;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.tsp.TimeStampResponse;
import org.bouncycastle.tsp.TimeStampToken;

public class TsVerify {
    static String check(List<X509CertificateHolder> roots, byte[] data, byte[] reply) throws Exception {
        TimeStampResponse resp = new TimeStampResponse(reply);
        TimeStampToken tok = resp.getTimeStampToken();
        if (tok == null) throw new Exception("no token, status " + resp.getStatus());
        @SuppressWarnings("unchecked")
        Collection<X509CertificateHolder> matches = tok.getCertificates().getMatches(tok.getSID());
        if (matches.isEmpty()) throw new Exception("TSA certificate not in the token");
        X509CertificateHolder tsa = matches.iterator().next();
        tok.validate(new JcaSimpleSignerInfoVerifierBuilder().setProvider("BC").build(tsa));
        boolean chained = false;
        for (X509CertificateHolder r : roots) {
            if (!r.getSubject().equals(tsa.getIssuer())) continue;
            chained |= tsa.isSignatureValid(new JcaContentVerifierProviderBuilder().setProvider("BC")
                    .build(new JcaX509CertificateConverter().setProvider("BC").getCertificate(r)));
        }
        if (!chained) throw new Exception("TSA certificate is not signed by a given root");
        String alg = tok.getTimeStampInfo().getHashAlgorithm().getAlgorithm().getId();
        String name = alg.equals("2.16.840.1.101.3.4.2.1") ? "SHA-256" : alg.equals("2.16.840.1.101.3.4.2.2") ? "SHA-384" : "SHA-512";
        if (!Arrays.equals(MessageDigest.getInstance(name).digest(data), tok.getTimeStampInfo().getMessageImprintDigest()))
            throw new Exception("message imprint does not match the data");
        return "OK policy=" + tok.getTimeStampInfo().getPolicy().getId();
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: java TsVerify ROOTS.pem DATA REPLY.tsr...");
            System.exit(2);
        }
        Security.addProvider(new BouncyCastleProvider());
        List<X509CertificateHolder> roots = new ArrayList<>();
        try (PEMParser p = new PEMParser(new FileReader(args[0]))) {
            for (Object o = p.readObject(); o != null; o = p.readObject())
                if (o instanceof X509CertificateHolder) roots.add((X509CertificateHolder) o);
        }
        byte[] data = Files.readAllBytes(Paths.get(args[1]));
        for (int i = 2; i < args.length; i++) {
            String result;
            try {
                result = check(roots, data, Files.readAllBytes(Paths.get(args[i])));
            } catch (Exception e) {
                result = "REFUSED: " + e.getClass().getSimpleName() + ": " + String.valueOf(e.getMessage()).replace('\n', ' ');
            }
            System.out.println(args[i] + ": " + result);
        }
    }
}
