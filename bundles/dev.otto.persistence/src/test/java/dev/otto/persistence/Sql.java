package dev.otto.persistence;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import org.sqlite.SQLiteDataSource;

/** Raw access to a database file, below the repository, for setting up and inspecting tests. */
final class Sql {

    private Sql() {
    }

    static Connection connect(Path file) throws SQLException {
        SQLiteDataSource dataSource = new SQLiteDataSource();
        dataSource.setUrl("jdbc:sqlite:" + file);
        return dataSource.getConnection();
    }

    static void execute(Path file, String... statements) throws SQLException {
        try (Connection c = connect(file); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    /** Each row's columns joined with '|', in query order. */
    static List<String> rows(Path file, String query) throws SQLException {
        try (Connection c = connect(file)) {
            return rows(c, query);
        }
    }

    static List<String> rows(Connection c, String query) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= columns; i++) {
                    row.append(i > 1 ? "|" : "").append(rs.getString(i));
                }
                rows.add(row.toString());
            }
        }
        return rows;
    }

    static String one(Connection c, String query) throws SQLException {
        List<String> rows = rows(c, query);
        if (rows.size() != 1) {
            throw new AssertionError(query + " gave " + rows);
        }
        return rows.get(0);
    }

    /** The column names of a table, in order. */
    static List<String> columns(Path file, String table) throws SQLException {
        List<String> names = new ArrayList<>();
        for (String row : rows(file, "PRAGMA table_info(" + table + ")")) {
            names.add(row.split("\\|")[1]);
        }
        return names;
    }
}
