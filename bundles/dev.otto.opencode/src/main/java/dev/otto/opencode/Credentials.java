package dev.otto.opencode;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.function.Function;

/**
 * The basic-auth credentials of the OpenCode server: the one place that knows the password. The
 * {@code Authorization} header is built once; {@link #toString()} never shows it.
 */
final class Credentials {

    /** OpenCode's own variable for the server password. */
    static final String PASSWORD_ENV = "OPENCODE_SERVER_PASSWORD";
    /** OpenCode's own variable for the server user, {@value #DEFAULT_USER} unless set. */
    static final String USER_ENV = "OPENCODE_SERVER_USERNAME";
    /** OpenCode's default user name. */
    static final String DEFAULT_USER = "opencode";
    /** Random bytes in a generated password (256 bits). */
    static final int GENERATED_BYTES = 32;

    private static final Credentials NONE = new Credentials(null, null);

    private final String user;
    private final String password; // null without a password; never logged or put in a message
    private final String authorization;

    private Credentials(String user, String password) {
        this.user = user;
        this.password = password;
        this.authorization = password == null ? null
                : "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(UTF_8));
    }

    /** No credentials: the server is not protected. */
    static Credentials none() {
        return NONE;
    }

    /** The credentials an operator gave Otto for an OpenCode server it did not start. */
    static Credentials fromEnvironment(Function<String, String> env) {
        String password = env.apply(PASSWORD_ENV);
        if (password == null || password.isEmpty()) {
            return NONE;
        }
        String user = env.apply(USER_ENV);
        return new Credentials(user == null || user.isBlank() ? DEFAULT_USER : user, password);
    }

    /** A fresh password for an OpenCode process Otto starts, with OpenCode's default user. */
    static Credentials generate(SecureRandom random) {
        byte[] bytes = new byte[GENERATED_BYTES];
        random.nextBytes(bytes);
        return new Credentials(DEFAULT_USER, Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
    }

    boolean present() {
        return authorization != null;
    }

    /** The {@code Authorization} header value, or null without a password. */
    String authorization() {
        return authorization;
    }

    /** The password, for the environment of the process Otto starts; null without one. */
    String password() {
        return password;
    }

    @Override
    public String toString() {
        return password == null ? "Credentials[none]" : "Credentials[user=" + user + ", password=<set>]";
    }
}
