package dev.otto.invoker.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.otto.api.model.ModelRef;
import dev.otto.api.spi.InvocationFailure;
import dev.otto.api.spi.InvocationFailure.Kind;
import dev.otto.api.spi.InvocationResult;

/** The event stream decoder and the streamed answer, byte by byte, without a connection. */
class EventStreamTest {

    private static final ModelRef ASKED = ModelRef.parse("local/small");

    /** Feeds {@code text} in pieces of {@code piece} bytes and returns the events, or null if it is no event stream. */
    private static List<String> events(String text, int piece) throws InvocationFailure {
        EventStreamDecoder decoder = new EventStreamDecoder();
        List<String> events = new ArrayList<>();
        EventStreamDecoder.Events sink = (data, length) -> events.add(new String(data, 0, length, StandardCharsets.UTF_8));
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i += piece) {
            if (!decoder.feed(ByteBuffer.wrap(bytes, i, Math.min(piece, bytes.length - i)), sink)) {
                return null;
            }
        }
        return decoder.end(sink) ? events : null;
    }

    @Test
    void eventsAreTheSameWhateverTheLineEndsAndHoweverTheBytesAreSplit() throws InvocationFailure {
        for (String newline : List.of("\n", "\r\n", "\r")) {
            String stream = (": ping\n\ndata: {\"a\":1}\n\nevent: message\nid: 7\nretry: 100\ndata: first\ndata:second\n\n"
                    + "data: [DONE]\n\n").replace("\n", newline);
            for (int piece : new int[] { 1, 2, 3, 7, 1000 }) {
                assertThat(events(stream, piece)).as("newline %s, pieces of %d", newline.replace("\r", "CR").replace("\n", "LF"),
                        piece).containsExactly("{\"a\":1}", "first\nsecond", "[DONE]");
            }
        }
    }

    @Test
    void aLastEventWithoutItsBlankLineIsStillTaken() throws InvocationFailure {
        assertThat(events("data: [DONE]", 4)).containsExactly("[DONE]");
        assertThat(events("data: [DONE]\n", 4)).containsExactly("[DONE]");
    }

    @Test
    void commentsAndBlankLinesAloneAreNoEvents() throws InvocationFailure {
        assertThat(events(": ping\n\n:\n\n\n", 3)).isEmpty();
    }

    @Test
    void anythingElseIsNotAnEventStream() throws InvocationFailure {
        for (String body : List.of("<html>\n", "{\"choices\":[]}\n", "hello: world\n\n", " data: x\n\n",
                "data: x\n\nHTTP/1.1 200 OK\n")) {
            assertThat(events(body, 5)).as(body).isNull();
        }
    }

    private static boolean accept(StreamedAnswer answer, String data) throws InvocationFailure {
        byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
        return answer.accept(bytes, bytes.length);
    }

    @Test
    void outputIsADeltaWithAnyValueRoleContentOrReasoning() throws InvocationFailure {
        StreamedAnswer answer = new StreamedAnswer(200);
        assertThat(accept(answer, "{\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{}}]}")).as("an empty delta").isFalse();
        assertThat(accept(answer, "{\"choices\":[{\"delta\":{\"content\":null}}]}")).as("null content").isFalse();
        assertThat(accept(answer, "{\"choices\":[]}")).as("no choice").isFalse();
        assertThat(accept(answer, "{\"choices\":[{\"delta\":{\"reasoning_content\":\"hm\"}}]}")).as("reasoning").isTrue();
        assertThat(accept(answer, "{\"choices\":[{\"delta\":{\"content\":\"a\"}}]}")).as("only the first output says so").isFalse();

        StreamedAnswer role = new StreamedAnswer(200);
        assertThat(accept(role, FakeProvider.roleChunk("m"))).isTrue();
    }

    @Test
    void textPartsUsageWithoutChoicesAndTheFirstModelMakeTheAnswer() throws InvocationFailure {
        StreamedAnswer answer = new StreamedAnswer(200);
        accept(answer, FakeProvider.textChunk("small-1", "Hel"));
        accept(answer, "{\"model\":\"other\",\"choices\":[{\"delta\":{\"content\":[{\"type\":\"text\",\"text\":\"lo\"}]}}]}");
        accept(answer, FakeProvider.chunk("small-1", "{}", "stop"));
        assertThat(answer.finished()).isTrue();
        accept(answer, "{\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2}}");
        accept(answer, "[DONE]");
        assertThat(answer.done()).isTrue();
        InvocationResult result = answer.result(ASKED);
        assertThat(result.text()).isEqualTo("Hello");
        assertThat(result.tokensIn()).isEqualTo(3);
        assertThat(result.tokensOut()).isEqualTo(2);
        assertThat(result.answeredBy()).isEqualTo(ModelRef.parse("local/small-1"));
    }

    @Test
    void dataThatIsNoChunkIsMalformed() {
        for (String data : List.of("hello", "[1,2]", "{\"object\":\"list\"}", "{\"choices\":{}}", "{\"choices\":[42]}",
                "{\"choices\":[{\"delta\":\"x\"}]}", "{\"choices\":[{\"delta\":{\"content\":{\"a\":1}}}]}")) {
            InvocationFailure failure = catchThrowableOfType(() -> accept(new StreamedAnswer(200), data), InvocationFailure.class);
            assertThat(failure).as(data).isNotNull();
            assertThat(failure.kind()).isEqualTo(Kind.HTTP_STATUS);
            assertThat(failure.providerErrorName()).hasValue(ChatAnswers.MALFORMED);
        }
        InvocationFailure doneFirst = catchThrowableOfType(() -> accept(new StreamedAnswer(200), "[DONE]"), InvocationFailure.class);
        assertThat(doneFirst.providerErrorName()).as("[DONE] before any chunk").hasValue(ChatAnswers.MALFORMED);
    }
}
