package dev.otto.support.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads the Markdown tables of the README of the module under test ({@code basedir}), so that tests
 * check the documented tables.
 */
public final class ReadmeTables {

    private static final Path README = Path.of(System.getProperty("basedir", "."), "README.md");

    private ReadmeTables() {
    }

    /**
     * Returns the body rows of the table whose header row starts with the given first column.
     *
     * @param firstHeader the first header cell, e.g. {@code input}
     * @return the rows, each as trimmed cells with surrounding backticks removed
     */
    public static List<List<String>> table(String firstHeader) {
        List<String> lines;
        try {
            lines = Files.readAllLines(README, UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (int i = 0; i < lines.size(); i++) {
            List<String> header = cells(lines.get(i));
            if (!header.isEmpty() && header.get(0).equals(firstHeader)) {
                List<List<String>> rows = new ArrayList<>();
                // i + 1 is the | --- | separator
                for (int j = i + 2; j < lines.size() && lines.get(j).startsWith("|"); j++) {
                    List<String> row = cells(lines.get(j));
                    if (row.size() != header.size()) {
                        throw new IllegalStateException("README line " + (j + 1) + " has " + row.size()
                                + " cells, the header " + header.size());
                    }
                    rows.add(row);
                }
                if (rows.isEmpty()) {
                    throw new IllegalStateException("README table '" + firstHeader + "' has no rows");
                }
                return rows;
            }
        }
        throw new IllegalStateException("no table with first column '" + firstHeader + "' in " + README);
    }

    private static List<String> cells(String line) {
        String trimmed = line.strip();
        if (!trimmed.startsWith("|") || !trimmed.endsWith("|")) {
            return List.of();
        }
        return Arrays.stream(trimmed.substring(1, trimmed.length() - 1).split("\\|", -1))
                .map(String::strip)
                .map(ReadmeTables::unquote)
                .toList();
    }

    /** Removes backticks around a cell; inside a cell, {@code `a`, `b`} stays a list. */
    public static String unquote(String cell) {
        return cell.replace("`", "");
    }
}
