package dev.otto.api.opencode;

import java.net.URI;
import java.util.Objects;

/**
 * A call to the OpenCode server failed. The message names the server, the request's method and
 * path, and the cause; never a body, a header or a credential.
 */
public class OpenCodeException extends Exception {

    private static final long serialVersionUID = 1L;

    /** What went wrong, in terms an operator can act on. */
    public enum Cause {
        /** Nothing listens at the URL (connection refused). */
        REFUSED("nothing is listening there; start OpenCode (opencode serve) or correct modelManagement.catalog.opencodeUrl"),
        /** No complete answer before the deadline. */
        TIMED_OUT("the server did not answer in time; check that it is healthy"),
        /** HTTP 401 or 403: the server wants a password Otto does not have or that is wrong. */
        UNAUTHORIZED("the server refused Otto's credentials; set OPENCODE_SERVER_PASSWORD (and OPENCODE_SERVER_USERNAME) to the server's"),
        /** Another non-2xx status. */
        HTTP_ERROR("the server answered with an error status; see its log"),
        /** The body was larger than accepted. */
        TOO_LARGE("the answer was larger than accepted; check that the URL is an OpenCode server"),
        /** Any other I/O problem (reset, broken pipe, DNS). */
        IO("the exchange failed; check the URL and the network");

        private final String advice;

        Cause(String advice) {
            this.advice = advice;
        }

        /**
         * Returns what an operator should do.
         *
         * @return one sentence
         */
        public String advice() {
            return advice;
        }
    }

    private final URI server;
    private final Cause failureCause;
    private final int httpStatus;

    /**
     * Creates the exception.
     *
     * @param server the server's URL (without credentials)
     * @param cause what went wrong
     * @param httpStatus the status for {@link Cause#HTTP_ERROR} and {@link Cause#UNAUTHORIZED}, else 0
     * @param request the request, e.g. {@code GET /config}
     * @param detail a non-secret detail (an exception class name), or null
     */
    public OpenCodeException(URI server, Cause cause, int httpStatus, String request, String detail) {
        super(message(server, cause, httpStatus, request, detail));
        this.server = server;
        this.failureCause = cause;
        this.httpStatus = httpStatus;
    }

    /**
     * Returns the server's URL.
     *
     * @return the URL
     */
    public URI server() {
        return server;
    }

    /**
     * Returns what went wrong.
     *
     * @return the cause
     */
    public Cause failureCause() {
        return failureCause;
    }

    /**
     * Returns the HTTP status of an error answer.
     *
     * @return the status, or 0 when there was none
     */
    public int httpStatus() {
        return httpStatus;
    }

    private static String message(URI server, Cause cause, int httpStatus, String request, String detail) {
        Objects.requireNonNull(server, "server must not be null");
        Objects.requireNonNull(cause, "cause must not be null");
        String what;
        switch (cause) {
        case REFUSED:
            what = "connection refused";
            break;
        case TIMED_OUT:
            what = "timed out";
            break;
        case UNAUTHORIZED:
        case HTTP_ERROR:
            what = "HTTP " + httpStatus;
            break;
        case TOO_LARGE:
            what = "answer too large";
            break;
        default:
            what = "I/O failure";
            break;
        }
        return "OpenCode at " + server + ": " + what + (request == null ? "" : " (" + request + ")")
                + (detail == null ? "" : ", " + detail);
    }
}
