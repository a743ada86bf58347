package io.hub.phone.identity;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The JDK's trust manager under Conscrypt's TLS. TLS 1.3 has no key-exchange method to name the
 * server's authentication by: Conscrypt calls it {@code GENERIC}, the JDK {@code UNKNOWN}, and the
 * JDK's trust manager refuses a name it does not know. Everything else is the JDK's judgement as is.
 */
final class TlsThirteenAuthType extends X509ExtendedTrustManager {

    private static final String CONSCRYPT_NAME = "GENERIC";
    private static final String JDK_NAME = "UNKNOWN";

    private final X509ExtendedTrustManager jdk;

    TlsThirteenAuthType(X509ExtendedTrustManager jdk) {
        this.jdk = jdk;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        jdk.checkServerTrusted(chain, jdkName(authType), engine);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        jdk.checkServerTrusted(chain, jdkName(authType), socket);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        jdk.checkServerTrusted(chain, jdkName(authType));
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        jdk.checkClientTrusted(chain, jdkName(authType), engine);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        jdk.checkClientTrusted(chain, jdkName(authType), socket);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        jdk.checkClientTrusted(chain, jdkName(authType));
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return jdk.getAcceptedIssuers();
    }

    private static String jdkName(String authType) {
        return CONSCRYPT_NAME.equals(authType) ? JDK_NAME : authType;
    }
}
