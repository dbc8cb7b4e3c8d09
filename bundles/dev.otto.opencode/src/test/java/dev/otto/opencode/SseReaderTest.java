package dev.otto.opencode;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The server-sent event framing, however the bytes are cut into reads. */
class SseReaderTest {

    /** What the reader reported: each event's data, and "OVERSIZED" for a skipped one. */
    static List<String> read(String stream, int maxEventBytes, int bytesPerRead) throws IOException {
        List<String> seen = new ArrayList<>();
        InputStream in = new FilterInputStream(new ByteArrayInputStream(stream.getBytes(UTF_8))) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return super.read(b, off, Math.min(len, bytesPerRead));
            }
        };
        new SseReader(in, maxEventBytes).run(new SseReader.Listener() {
            @Override
            public void event(byte[] data, int length) {
                seen.add(new String(data, 0, length, UTF_8));
            }

            @Override
            public void oversized() {
                seen.add("OVERSIZED");
            }
        });
        return seen;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 7, 16 * 1024})
    void eventsAreFramedByBlankLinesWhateverTheReads(int bytesPerRead) throws IOException {
        String stream = "data: {\"type\":\"a\"}\n\n"
                + ": a comment\n"
                + "event: ignored\nid: 7\nretry: 1000\n"
                + "data: {\"type\":\"b\",\r\n"
                + "data:\"x\":1}\r\n\r\n"
                + "data: é ü\n\n"
                + "\n\n" // blank lines without data are no events
                + "data: cut off at the end, never completed";

        assertThat(read(stream, 1024, bytesPerRead)).containsExactly("{\"type\":\"a\"}", "{\"type\":\"b\",\n\"x\":1}", "é ü");
    }

    @Test
    void anEventLargerThanTheCapIsReportedAndTheNextOneIsRead() throws IOException {
        String big = "x".repeat(100);
        String stream = "data: " + big + "\n\n"
                + "data: small\n\n"
                + "data: " + "y".repeat(30) + "\ndata: " + "z".repeat(30) + "\n\n" // too large only together
                + ": " + big + "\n" // a long comment is a long line too, and makes its event oversized
                + "data: after\n\n"
                + "data: last\n\n";

        assertThat(read(stream, 50, 3)).containsExactly("OVERSIZED", "small", "OVERSIZED", "OVERSIZED", "last");
    }

    @Test
    void dataWithoutASpaceOrValueIsKeptAsIs() throws IOException {
        assertThat(read("data:x\n\ndata\n\ndata:  two spaces\n\n", 100, 100)).containsExactly("x", "", " two spaces");
    }
}
