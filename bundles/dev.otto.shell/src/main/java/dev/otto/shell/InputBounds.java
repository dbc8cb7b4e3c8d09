package dev.otto.shell;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Locale;

import dev.otto.support.text.TerminalSafe;

/**
 * The bounds of what an operator gives the job and ask commands, checked before anything is stored
 * or routed. A prompt, typed or read from a file, is at most {@link #MAX_PROMPT_BYTES} of UTF-8; a
 * job name at most {@link #MAX_NAME_CHARS} printable characters on one line. A prompt file is
 * checked for being a regular file of at most that size before it is opened, and then read through
 * a bounded read that stops after one byte more than the limit, so a file that is huge, sparse,
 * endless ({@code /dev/zero}) or growing is refused without being read whole. Every refusal is an
 * {@link IllegalArgumentException} with one line: the path or flag, what is wrong, what to do.
 */
final class InputBounds {

    /** The most a prompt may hold, in bytes of UTF-8: 256 KiB. */
    static final int MAX_PROMPT_BYTES = 256 * 1024;
    /** The most characters a job name may have. */
    static final int MAX_NAME_CHARS = 100;

    private static final String PROMPT_LIMIT = "a prompt is at most " + size(MAX_PROMPT_BYTES);

    private InputBounds() {
    }

    /**
     * Checks a prompt given on the command line.
     *
     * @param text the prompt
     * @param what how the operator gave it, e.g. {@code --prompt}
     * @return the prompt
     */
    static String prompt(String text, String what) {
        long bytes = utf8Length(text);
        if (bytes > MAX_PROMPT_BYTES) {
            throw new IllegalArgumentException(what + " is " + size(bytes) + ": " + PROMPT_LIMIT
                    + "; shorten it");
        }
        return text;
    }

    /**
     * Reads a prompt file of at most {@link #MAX_PROMPT_BYTES}, never more than that plus one byte.
     *
     * @param argument the file as the operator gave it, relative to the working directory
     * @return its text
     * @throws IllegalArgumentException naming the file and the reason it is refused
     */
    static String promptFile(String argument) {
        Path file;
        try {
            file = Path.of(argument).toAbsolutePath();
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("the prompt file name " + TerminalSafe.line(argument) + " is not a valid path: "
                    + e.getReason());
        }
        String prefix = "cannot read the prompt file " + TerminalSafe.line(file.toString()) + ": ";
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (IOException e) {
            throw new IllegalArgumentException(prefix + reason(file, e));
        }
        if (attributes.isDirectory()) {
            throw new IllegalArgumentException(prefix + "it is a directory; give the file that holds the prompt");
        }
        if (!attributes.isRegularFile()) {
            throw new IllegalArgumentException(prefix + "it is not a regular file (a device, pipe or socket);"
                    + " give a file that holds the prompt");
        }
        if (attributes.size() > MAX_PROMPT_BYTES) {
            throw new IllegalArgumentException(prefix + "it is " + size(attributes.size()) + ", " + PROMPT_LIMIT
                    + "; shorten it");
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = readAtMost(in, MAX_PROMPT_BYTES + 1);
        } catch (IOException e) {
            throw new IllegalArgumentException(prefix + reason(file, e));
        }
        if (bytes.length > MAX_PROMPT_BYTES) {
            throw new IllegalArgumentException(prefix + "it grew past " + size(MAX_PROMPT_BYTES) + " while it was read, "
                    + PROMPT_LIMIT + "; shorten it");
        }
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                throw new IllegalArgumentException(prefix + "it holds a NUL byte at offset " + i
                        + ", so it is not text; give a UTF-8 text file");
            }
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(prefix + "it is not UTF-8 text; save it as UTF-8");
        }
        if (text.isBlank()) {
            throw new IllegalArgumentException(prefix + (text.isEmpty() ? "it is empty" : "it holds only whitespace")
                    + "; a prompt needs text");
        }
        return text;
    }

    /**
     * Reads up to {@code limit} bytes and stops: what the stream holds beyond that is never read.
     *
     * @param in the stream
     * @param limit the most bytes to read
     * @return the bytes read, {@code limit} of them if the stream holds that many or more
     */
    static byte[] readAtMost(InputStream in, int limit) throws IOException {
        return in.readNBytes(limit);
    }

    /**
     * Checks a job's name: non-blank, one line of printable text, at most {@link #MAX_NAME_CHARS}.
     *
     * @param name the name
     * @return the name, stripped
     */
    static String name(String name) {
        String stripped = name.strip();
        if (stripped.isEmpty()) {
            throw new IllegalArgumentException("--name is blank: give the job a short name, e.g. --name nightly-digest");
        }
        if (stripped.length() > MAX_NAME_CHARS) {
            throw new IllegalArgumentException("--name is " + stripped.length() + " characters long: a job name is at"
                    + " most " + MAX_NAME_CHARS + ", e.g. nightly-digest");
        }
        for (int i = 0; i < stripped.length(); i++) {
            if (TerminalSafe.isControl(stripped.charAt(i))) {
                throw new IllegalArgumentException("--name has a control character (" + TerminalSafe.line(String.valueOf(
                        stripped.charAt(i))) + ") at position " + (i + 1) + ": a job name is one line of printable"
                        + " text, e.g. nightly-digest");
            }
        }
        return stripped;
    }

    /** Why a file could not be read, as the file system said it, without a class name. */
    private static String reason(Path file, IOException e) {
        if (e instanceof NoSuchFileException) {
            if (Files.isSymbolicLink(file)) {
                try {
                    return "it is a symbolic link to " + TerminalSafe.line(Files.readSymbolicLink(file).toString())
                            + ", which does not exist";
                } catch (IOException | UnsupportedOperationException ignored) {
                    return "it is a symbolic link to a file that does not exist";
                }
            }
            return "it does not exist";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied; make it readable by the user Otto runs as";
        }
        if (e instanceof FileSystemException fs && fs.getReason() != null) {
            String why = fs.getReason();
            if (why.toLowerCase(Locale.ROOT).contains("levels of symbolic links")) {
                return "it is a symbolic link loop (" + why + "); point the link at a file";
            }
            return TerminalSafe.line(why);
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : TerminalSafe.line(e.getMessage());
    }

    /** A size as an operator reads it: bytes below 1 KiB, else KiB, MiB or GiB with the byte count. */
    static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + (bytes == 1 ? " byte" : " bytes");
        }
        String[] units = { "KiB", "MiB", "GiB", "TiB" };
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        String number = value == Math.rint(value) ? String.valueOf((long) value) : String.format(Locale.ROOT, "%.1f", value);
        return number + " " + units[unit] + " (" + bytes + " bytes)";
    }

    private static long utf8Length(String text) {
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
