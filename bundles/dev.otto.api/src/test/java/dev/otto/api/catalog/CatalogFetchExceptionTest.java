package dev.otto.api.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.net.URI;
import org.junit.jupiter.api.Test;

class CatalogFetchExceptionTest {

    @Test
    void messageNamesSourceAndCauseWithoutCredentials() {
        CatalogFetchException e = new CatalogFetchException(
                URI.create("http://opencode:hunter2@127.0.0.1:4096/config?token=abc#frag"),
                CatalogFetchException.Cause.REFUSED, null, new ConnectException("Connection refused"));

        assertThat(e.getMessage()).isEqualTo("catalog fetch from http://127.0.0.1:4096/config failed: connection refused");
        assertThat(e.source()).isEqualTo(URI.create("http://127.0.0.1:4096/config"));
        assertThat(e.failureCause()).isEqualTo(CatalogFetchException.Cause.REFUSED);
        assertThat(e.failureCause().advice()).contains("opencode serve");
        assertThat(e.getCause()).isInstanceOf(ConnectException.class);
    }

    @Test
    void detailIsOneLine() {
        CatalogFetchException e = new CatalogFetchException(URI.create("http://127.0.0.1:4096"),
                CatalogFetchException.Cause.HTTP_ERROR, "HTTP 503\nfrom /provider");

        assertThat(e.getMessage()).isEqualTo(
                "catalog fetch from http://127.0.0.1:4096 failed: HTTP error (HTTP 503 from /provider)");
    }
}
