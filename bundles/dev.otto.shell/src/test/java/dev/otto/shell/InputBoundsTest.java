package dev.otto.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every prompt and name an operator gives is bounded, and a prompt file is never read whole to find out. */
class InputBoundsTest {

    private static final long TEN_GIB = 10L * 1024 * 1024 * 1024;

    @TempDir
    Path dir;

    @Test
    void aSparseTenGibFileIsRefusedByItsSizeWithOneLineNamingItAndTheLimit() throws Exception {
        Path huge = dir.resolve("huge.txt");
        try (RandomAccessFile file = new RandomAccessFile(huge.toFile(), "rw")) {
            file.setLength(TEN_GIB); // sparse: no block is written, reading it whole would need 10 GiB of heap
        }
        assertThatThrownBy(() -> InputBounds.promptFile(huge.toString()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cannot read the prompt file " + huge + ": it is 10 GiB (10737418240 bytes), a prompt is at"
                        + " most 256 KiB (262144 bytes); shorten it");
    }

    @Test
    void theBoundedReadStopsOneByteAfterTheLimitOfAnEndlessStream() throws Exception {
        AtomicLong served = new AtomicLong();
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                served.incrementAndGet();
                return 'a';
            }

            @Override
            public int read(byte[] b, int off, int len) {
                java.util.Arrays.fill(b, off, off + len, (byte) 'a');
                served.addAndGet(len);
                return len;
            }
        };
        byte[] bytes = InputBounds.readAtMost(endless, InputBounds.MAX_PROMPT_BYTES + 1);
        assertThat(bytes).hasSize(InputBounds.MAX_PROMPT_BYTES + 1);
        assertThat(served.get()).isEqualTo(InputBounds.MAX_PROMPT_BYTES + 1L);
    }

    @Test
    void aPromptFileAtTheLimitIsReadAndOneByteMoreIsRefused() throws Exception {
        Path exact = dir.resolve("exact.txt");
        Files.write(exact, "x".repeat(InputBounds.MAX_PROMPT_BYTES).getBytes(StandardCharsets.UTF_8));
        assertThat(InputBounds.promptFile(exact.toString())).hasSize(InputBounds.MAX_PROMPT_BYTES);
        Path over = dir.resolve("over.txt");
        Files.write(over, "x".repeat(InputBounds.MAX_PROMPT_BYTES + 1).getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> InputBounds.promptFile(over.toString()))
                .hasMessage("cannot read the prompt file " + over + ": it is 256.0 KiB (262145 bytes), a prompt is at"
                        + " most 256 KiB (262144 bytes); shorten it");
    }

    @Test
    void aDirectoryMissingFileDanglingLinkLoopOrDeviceIsNamedWithTheRealReason() throws Exception {
        assertThatThrownBy(() -> InputBounds.promptFile(dir.toString()))
                .hasMessage("cannot read the prompt file " + dir + ": it is a directory; give the file that holds the prompt");
        Path missing = dir.resolve("nope.txt");
        assertThatThrownBy(() -> InputBounds.promptFile(missing.toString()))
                .hasMessage("cannot read the prompt file " + missing + ": it does not exist");
        Path dangling = Files.createSymbolicLink(dir.resolve("dangling"), dir.resolve("gone.txt"));
        assertThatThrownBy(() -> InputBounds.promptFile(dangling.toString()))
                .hasMessage("cannot read the prompt file " + dangling + ": it is a symbolic link to " + dir.resolve("gone.txt")
                        + ", which does not exist");
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        Files.createSymbolicLink(a, b);
        Files.createSymbolicLink(b, a);
        assertThatThrownBy(() -> InputBounds.promptFile(a.toString()))
                .hasMessageStartingWith("cannot read the prompt file " + a + ": it is a symbolic link loop (")
                .hasMessageEndingWith("); point the link at a file");
        assertThatThrownBy(() -> InputBounds.promptFile("/dev/zero"))
                .hasMessage("cannot read the prompt file /dev/zero: it is not a regular file (a device, pipe or socket);"
                        + " give a file that holds the prompt");
    }

    @Test
    void emptyBinaryAndNonUtf8FilesAreRefused() throws Exception {
        Path empty = Files.createFile(dir.resolve("empty.txt"));
        assertThatThrownBy(() -> InputBounds.promptFile(empty.toString())).hasMessageEndingWith(": it is empty; a prompt needs text");
        Path nul = Files.write(dir.resolve("nul.txt"), new byte[] { 'h', 'i', 0, 'x' });
        assertThatThrownBy(() -> InputBounds.promptFile(nul.toString())).hasMessageEndingWith("it holds a NUL byte at offset 2,"
                + " so it is not text; give a UTF-8 text file");
        Path latin1 = Files.write(dir.resolve("latin1.txt"), new byte[] { 'c', 'a', 'f', (byte) 0xe9 });
        assertThatThrownBy(() -> InputBounds.promptFile(latin1.toString())).hasMessageEndingWith("it is not UTF-8 text; save it as UTF-8");
    }

    @Test
    void anInlinePromptIsBoundedInUtf8Bytes() {
        String ok = "é".repeat(InputBounds.MAX_PROMPT_BYTES / 2);
        assertThat(InputBounds.prompt(ok, "--prompt")).isSameAs(ok);
        assertThatThrownBy(() -> InputBounds.prompt("x".repeat(1024 * 1024), "--prompt"))
                .hasMessage("--prompt is 1 MiB (1048576 bytes): a prompt is at most 256 KiB (262144 bytes); shorten it");
        assertThatThrownBy(() -> InputBounds.prompt(ok + "é", "--prompt")).hasMessageStartingWith("--prompt is 256.0 KiB (262146 bytes)");
    }

    @Test
    void aNameIsOneShortLineOfPrintableText() {
        assertThat(InputBounds.name("  nightly-digest ")).isEqualTo("nightly-digest");
        assertThatThrownBy(() -> InputBounds.name("n".repeat(101)))
                .hasMessage("--name is 101 characters long: a job name is at most 100, e.g. nightly-digest");
        assertThatThrownBy(() -> InputBounds.name("evil\u001b[2Jname"))
                .hasMessage("--name has a control character (\\u001b) at position 5: a job name is one line of printable"
                        + " text, e.g. nightly-digest");
        assertThatThrownBy(() -> InputBounds.name("two\nlines")).hasMessageStartingWith("--name has a control character (\\n)");
        assertThatThrownBy(() -> InputBounds.name("abc\u202edef")).hasMessageStartingWith("--name has a control character (\\u202e)");
    }
}
