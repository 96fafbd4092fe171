package io.livekit.agents.internal.auth;

import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.MacAlgorithm;
import io.jsonwebtoken.security.SecretKeyBuilder;
import io.jsonwebtoken.security.SecureRequest;
import io.jsonwebtoken.security.SignatureException;
import io.jsonwebtoken.security.VerifySecureDigestRequest;

import java.io.IOException;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.SecretKey;

/**
 * HMAC-SHA256 for jjwt without its minimum key length.
 *
 * <p>LiveKit signs tokens with the API secret as raw UTF-8 bytes, and its dev defaults use the secret
 * {@code "secret"} (48 bits). jjwt's built-in HS256 refuses keys shorter than 256 bits, so LiveKit tokens
 * cannot be signed or verified with it. This algorithm is registered with jjwt under the id {@code HS256}
 * in place of the built-in one; everything else (parsing, claims, expiry) stays jjwt's. Short secrets are
 * reported by {@link LiveKitTokens#isWeakSecret(String)} so that callers can warn about them.
 */
final class Hs256 implements MacAlgorithm {

    static final Hs256 INSTANCE = new Hs256();

    private Hs256() {
    }

    @Override
    public String getId() {
        return "HS256";
    }

    @Override
    public SecretKeyBuilder key() {
        return Jwts.SIG.HS256.key();
    }

    @Override
    public int getKeyBitLength() {
        return 256;
    }

    @Override
    public byte[] digest(SecureRequest<InputStream, SecretKey> request) {
        return mac(request.getKey(), request.getPayload());
    }

    @Override
    public boolean verify(VerifySecureDigestRequest<SecretKey> request) {
        byte[] expected = mac(request.getKey(), request.getPayload());
        return MessageDigest.isEqual(expected, request.getDigest());
    }

    private static byte[] mac(SecretKey key, InputStream payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            byte[] buf = new byte[4096];
            int n;
            while ((n = payload.read(buf)) > 0) {
                mac.update(buf, 0, n);
            }
            return mac.doFinal();
        } catch (GeneralSecurityException | IOException e) {
            throw new SignatureException("HS256 computation failed: " + e.getMessage(), e);
        }
    }
}
