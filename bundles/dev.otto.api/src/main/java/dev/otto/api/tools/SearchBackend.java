package dev.otto.api.tools;

/** The program behind {@link ToolResolver#search}: ripgrep when present, else grep. */
public enum SearchBackend {
    /** {@code rg -n}, made to see the same files as the grep fallback. */
    RG("rg"),
    /** {@code grep -RIn --exclude-dir=node_modules --exclude='*.lock' -E}, the portable fallback. */
    GREP("grep");

    private final String wireName;

    SearchBackend(String wireName) {
        this.wireName = wireName;
    }

    /**
     * Returns the executable's name, as shown by {@code otto:tools}.
     *
     * @return {@code rg} or {@code grep}
     */
    public String wireName() {
        return wireName;
    }
}
