package dev.otto.shell;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

import dev.otto.api.tools.Sop;
import dev.otto.api.tools.SopLibrary;
import dev.otto.api.tools.ToolNotFoundException;
import dev.otto.api.tools.ToolResolver;
import dev.otto.api.tools.ToolStatus;

/** {@code otto:tools} and {@code otto:sop}: the tools Otto found on PATH, and the SOP documents. */
@Component(service = ToolCommands.class, immediate = true, property = {
        "osgi.command.scope=otto",
        "osgi.command.function=tools",
        "osgi.command.function=sop" })
@Descriptor("Otto tools: python3, rg or grep, and SOP documents")
public final class ToolCommands {

    private static final String NOT_RUNNING = "the tools service (bundle dev.otto.tools) is not running; "
            + "'otto:status' says why";

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ToolResolver tools;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile SopLibrary sops;

    public ToolCommands() {
    }

    ToolCommands(ToolResolver tools, SopLibrary sops) {
        this.tools = tools;
        this.sops = sops;
    }

    @Descriptor("Show each tool (python3, rg, grep): whether it was found, where, its version, "
            + "and which search backend is in use")
    public String tools(
            @Descriptor("print JSON instead of text")
            @Parameter(names = "--json", presentValue = "true", absentValue = "false") boolean json,
            @Descriptor("look every tool up on PATH again first")
            @Parameter(names = "--refresh", presentValue = "true", absentValue = "false") boolean refresh) {
        ToolResolver current = tools;
        if (current == null) {
            throw new IllegalStateException(NOT_RUNNING);
        }
        List<ToolStatus> list = refresh ? current.refresh() : current.tools();
        String backend = backend(current);
        SopLibrary library = sops;
        if (json) {
            Map<String, Object> out = new LinkedHashMap<>();
            List<Map<String, Object>> rows = new ArrayList<>();
            for (ToolStatus t : list) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("name", t.name());
                row.put("found", t.found());
                row.put("path", t.path() == null ? null : t.path().toString());
                row.put("version", t.version());
                row.put("looked_for", t.candidates());
                row.put("note", t.note());
                rows.add(row);
            }
            out.put("tools", rows);
            out.put("search_backend", backend);
            out.put("path", current.path().stream().map(Path::toString).toList());
            out.put("sop_folder", library == null ? null : library.folder().toString());
            return Json.write(out);
        }
        TextTable table = new TextTable("TOOL", "FOUND", "PATH", "VERSION", "NOTE");
        for (ToolStatus t : list) {
            table.row(t.name(), t.found() ? "yes" : "no", t.path(), t.version(), t.note().isEmpty() ? "" : t.note());
        }
        String nl = System.lineSeparator();
        return table + nl + "search backend: " + (backend == null ? "none (neither rg nor grep found)" : backend) + nl
                + "PATH: " + String.join(java.io.File.pathSeparator, current.path().stream().map(Path::toString).toList())
                + nl + "SOP folder: " + (library == null ? "(SOP library not running)" : library.folder()) + nl;
    }

    @Descriptor("List the SOP documents, or show one")
    public String sop(
            @Descriptor("print JSON instead of text")
            @Parameter(names = "--json", presentValue = "true", absentValue = "false") boolean json,
            @Descriptor("an SOP name, e.g. python-env: show its text") String... name) {
        SopLibrary library = sops;
        if (library == null) {
            throw new IllegalStateException(NOT_RUNNING);
        }
        if (name.length > 1) {
            throw new IllegalArgumentException("give at most one SOP name, e.g. otto:sop python-env");
        }
        if (name.length == 1) {
            Sop sop = library.find(name[0]).orElseThrow(() -> new IllegalArgumentException("no SOP '" + name[0]
                    + "' in " + library.folder() + "; otto:sop lists the SOPs"));
            if (json) {
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("name", sop.name());
                out.put("file", sop.file().toString());
                out.put("text", sop.text());
                return Json.write(out);
            }
            return sop.text();
        }
        List<Sop> all = library.resolve(library.names());
        boolean exists = Files.isDirectory(library.folder());
        if (json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("folder", library.folder().toString());
            out.put("folder_exists", exists);
            List<Map<String, Object>> rows = new ArrayList<>();
            for (Sop sop : all) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("name", sop.name());
                row.put("file", sop.file().toString());
                row.put("title", title(sop).orElse(null));
                rows.add(row);
            }
            out.put("sops", rows);
            return Json.write(out);
        }
        if (all.isEmpty()) {
            return "No SOPs: " + library.folder() + (exists ? " has no *.md file." : " does not exist.")
                    + System.lineSeparator();
        }
        TextTable table = new TextTable("SOP", "TITLE");
        all.forEach(sop -> table.row(sop.name(), title(sop).orElse("")));
        return "SOP folder: " + library.folder() + System.lineSeparator() + System.lineSeparator() + table;
    }

    private static String backend(ToolResolver tools) {
        try {
            return tools.searchBackend().wireName();
        } catch (ToolNotFoundException e) {
            return null;
        }
    }

    /** The first non-blank line, without Markdown heading marks. */
    private static Optional<String> title(Sop sop) {
        return sop.text().lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst()
                .map(l -> l.replaceFirst("^#+\\s*", ""));
    }
}
