package io.hub.pki;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

/**
 * Reads and writes the PEM files of the PKI. Failures are {@link PkiException}s whose message names
 * the file and what is wrong with it, so the CLI can print them as they are.
 */
public final class PemFiles {

    private PemFiles() {
    }

    /** Every certificate in a PEM file, in file order. */
    public static List<X509Certificate> readCertificates(Path file) {
        return parseCertificates(readText(file), file.toString());
    }

    /** Every certificate in PEM text; {@code source} names it in error messages. */
    public static List<X509Certificate> parseCertificates(String pem, String source) {
        List<X509Certificate> certificates = new ArrayList<>();
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            Object object;
            while ((object = parser.readObject()) != null) {
                if (object instanceof X509CertificateHolder holder) {
                    certificates.add(new JcaX509CertificateConverter().getCertificate(holder));
                }
            }
        } catch (IOException | CertificateException | RuntimeException e) {
            throw new PkiException(source + " is not a readable PEM file: " + oneLine(e));
        }
        if (certificates.isEmpty()) {
            throw new PkiException(source + " holds no PEM certificate");
        }
        return certificates;
    }

    /** A certificate from its DER encoding (as a cluster's database keeps it). */
    public static X509Certificate parseCertificate(byte[] der) {
        try {
            return (X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
                    .generateCertificate(new java.io.ByteArrayInputStream(der));
        } catch (CertificateException | RuntimeException e) {
            throw new PkiException("not a DER certificate: " + oneLine(e));
        }
    }

    /** A CRL from its DER encoding (as a cluster's database keeps it). */
    public static X509CRL parseCrl(byte[] der) {
        try {
            return (X509CRL) java.security.cert.CertificateFactory.getInstance("X.509")
                    .generateCRL(new java.io.ByteArrayInputStream(der));
        } catch (java.security.cert.CRLException | CertificateException | RuntimeException e) {
            throw new PkiException("not a DER CRL: " + oneLine(e));
        }
    }

    /** The first certificate of a PEM file. */
    public static X509Certificate readCertificate(Path file) {
        return readCertificates(file).get(0);
    }

    /** The private key of a PEM file, in PKCS#8 ({@code PRIVATE KEY}) or traditional form. */
    public static PrivateKey readPrivateKey(Path file) {
        try (Reader reader = new StringReader(readText(file)); PEMParser parser = new PEMParser(reader)) {
            Object object = parser.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (object instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
            if (object instanceof PEMKeyPair pair) {
                return converter.getKeyPair(pair).getPrivate();
            }
        } catch (IOException | RuntimeException e) {
            throw new PkiException(file + " is not a readable PEM private key: " + oneLine(e));
        }
        throw new PkiException(file + " holds no unencrypted PEM private key");
    }

    public static String toPem(Object... objects) {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            for (Object object : objects) {
                writer.writeObject(object);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }

    public static void writeCertificates(Path file, List<X509Certificate> certificates) {
        SecureFiles.writeAtomically(file, toPem(certificates.toArray()).getBytes(StandardCharsets.US_ASCII), false);
    }

    /** Writes a private key as PKCS#8 PEM, readable by its owner only (0600). */
    public static void writePrivateKey(Path file, PrivateKey key) {
        try {
            // PKCS#8 for every algorithm: what curl, openssl, nginx and the SIP clients all read.
            SecureFiles.writeAtomically(file, toPem(new JcaPKCS8Generator(key, null)).getBytes(StandardCharsets.US_ASCII),
                    true);
        } catch (org.bouncycastle.util.io.pem.PemGenerationException e) {
            throw new IllegalStateException("cannot encode a " + key.getAlgorithm() + " key as PKCS#8", e);
        }
    }

    public static void writeCrls(Path file, List<X509CRL> crls) {
        SecureFiles.writeAtomically(file, toPem(crls.toArray()).getBytes(StandardCharsets.US_ASCII), false);
    }

    private static String readText(Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (java.nio.charset.MalformedInputException e) {
            throw new PkiException(file + " is not a PEM file (it holds binary data)");
        } catch (java.nio.file.NoSuchFileException e) {
            throw new PkiException(file + " does not exist");
        } catch (IOException e) {
            throw new PkiException(file + " cannot be read: " + oneLine(e));
        }
    }

    static String oneLine(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.replaceAll("\\s+", " ").strip();
    }
}
