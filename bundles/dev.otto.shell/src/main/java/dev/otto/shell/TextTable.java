package dev.otto.shell;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.otto.support.text.TerminalSafe;

/**
 * Left-aligned text columns for shell output: a header row, then one row per item, each column as
 * wide as its widest cell, separated by two spaces. The last column is not padded. Every cell is
 * {@link TerminalSafe#line}: a cell can hold what an operator or a provider wrote.
 */
final class TextTable {

    private final List<String[]> rows = new ArrayList<>();
    private final int columns;

    TextTable(String... headers) {
        this.columns = headers.length;
        rows.add(headers.clone());
    }

    TextTable row(Object... cells) {
        if (cells.length != columns) {
            throw new IllegalArgumentException("expected " + columns + " cells, got " + cells.length);
        }
        rows.add(Arrays.stream(cells).map(c -> c == null ? "-" : TerminalSafe.line(c.toString())).toArray(String[]::new));
        return this;
    }

    @Override
    public String toString() {
        int[] widths = new int[columns];
        for (String[] row : rows) {
            for (int i = 0; i < columns; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < columns; i++) {
                line.append(row[i]);
                if (i < columns - 1) {
                    line.append(" ".repeat(widths[i] - row[i].length() + 2));
                }
            }
            out.append(line.toString().stripTrailing()).append(System.lineSeparator());
        }
        return out.toString();
    }
}
