package dev.otto.telemetry.jsonl;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.otto.api.runtime.OttoPaths;
import dev.otto.api.telemetry.TelemetryRecord;
import dev.otto.api.telemetry.store.DailyReport;
import dev.otto.api.telemetry.store.WireRecords;

/**
 * Reads the JSONL files back: recent records from the newest file backwards, a day's report by
 * streaming its file. A line that does not parse (a torn fragment not yet cut, a hand edit) is
 * skipped.
 */
final class JsonlReader {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private final Path dir;

    JsonlReader(Path dir) {
        this.dir = dir;
    }

    /** Days with a telemetry file, newest first. */
    List<LocalDate> days() {
        List<LocalDate> days = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return days;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "otto-*.jsonl")) {
            for (Path file : files) {
                LocalDate day = dayOfFile(file.getFileName().toString());
                if (day != null) {
                    days.add(day);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        days.sort(Comparator.reverseOrder());
        return days;
    }

    static LocalDate dayOfFile(String name) {
        if (!name.startsWith("otto-") || !name.endsWith(".jsonl")) {
            return null;
        }
        try {
            LocalDate day = LocalDate.parse(name.substring(5, name.length() - 6));
            return OttoPaths.telemetryFileName(day).equals(name) ? day : null;
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** The newest {@code limit} records of one kind, newest first. */
    <T extends TelemetryRecord> List<T> recent(int limit, Function<TelemetryRecord, T> filter) {
        List<T> found = new ArrayList<>();
        for (LocalDate day : days()) {
            Path file = dir.resolve(OttoPaths.telemetryFileName(day));
            try {
                readBackwards(file, line -> {
                    T record = filter.apply(parse(line));
                    if (record != null) {
                        found.add(record);
                    }
                    return found.size() < limit;
                });
            } catch (NoSuchFileException gone) {
                continue; // deleted by retention meanwhile
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
            }
            if (found.size() >= limit) {
                break;
            }
        }
        return found;
    }

    /** The report of one day from its file. */
    DailyReport report(LocalDate day, String source, long dropped) {
        DailyReport.Builder builder = new DailyReport.Builder(day, source).addDropped(dropped);
        Path file = dir.resolve(OttoPaths.telemetryFileName(day));
        if (!Files.exists(file)) {
            return builder.build();
        }
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (parse(line) instanceof dev.otto.api.telemetry.RunTelemetry run) {
                    builder.add(run);
                }
            }
        } catch (NoSuchFileException gone) {
            return builder.build();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return builder.build();
    }

    /** The record of one line, or null if the line is not a valid record. */
    static TelemetryRecord parse(String line) {
        if (line.isBlank()) {
            return null;
        }
        try {
            return WireRecords.parse(MAPPER.readValue(line, MAP));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Calls {@code visitor} with each complete line from the end; stops when it returns false. */
    static void readBackwards(Path file, Function<String, Boolean> visitor) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long end = ch.size();
            ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
            byte[] carry = new byte[0]; // bytes after the last newline seen, from later chunks
            boolean atEnd = true;
            while (end > 0) {
                long start = Math.max(0, end - chunk.capacity());
                chunk.clear().limit((int) (end - start));
                while (chunk.hasRemaining() && ch.read(chunk, start + chunk.position()) >= 0) {
                    // fill
                }
                byte[] bytes = new byte[chunk.position() + carry.length];
                chunk.flip();
                chunk.get(bytes, 0, chunk.limit());
                System.arraycopy(carry, 0, bytes, chunk.limit(), carry.length);
                int lineEnd = bytes.length;
                for (int i = bytes.length - 1; i >= 0; i--) {
                    if (bytes[i] == '\n') {
                        if (atEnd) {
                            // text after the last newline is an unterminated fragment: skipped
                            atEnd = false;
                        } else if (!visitor.apply(new String(bytes, i + 1, lineEnd - i - 1, StandardCharsets.UTF_8))) {
                            return;
                        }
                        lineEnd = i;
                    }
                }
                // while no newline was seen, everything read is the unterminated fragment: dropped
                carry = atEnd ? new byte[0] : Arrays.copyOf(bytes, lineEnd);
                end = start;
            }
            if (!atEnd && carry.length > 0) {
                visitor.apply(new String(carry, StandardCharsets.UTF_8));
            }
        }
    }
}
