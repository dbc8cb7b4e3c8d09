package dev.otto.api.opencode;

import java.util.Objects;

/**
 * An answer of the OpenCode server.
 *
 * @param status the HTTP status
 * @param body the body, possibly empty; never logged (it can hold provider keys or user text)
 */
public record OpenCodeResponse(int status, byte[] body) {

    /** Validates the fields. */
    public OpenCodeResponse {
        Objects.requireNonNull(body, "body must not be null");
    }

    /** Redacts the body. */
    @Override
    public String toString() {
        return "OpenCodeResponse[status=" + status + ", body=<" + body.length + " bytes>]";
    }
}
