package dev.otto.config;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Calls back when one file may have changed: an in-place write, an editor's atomic rename, a
 * delete, a recreate, or a folder that did not exist and appears later.
 *
 * <p>The folder is watched with the platform's {@link WatchService} for speed; a cheap stat of the
 * file every poll interval is the safety net for what a watch misses (a folder that appears later,
 * an overflow, network file systems). Bursts are debounced: the callback runs once the file has
 * been quiet for the debounce time. The callback decides whether the content really changed.
 */
final class FileWatcher implements Closeable {

    private final Path file;
    private final Duration debounce;
    private final Duration poll;
    private final Runnable onChange;
    private final Consumer<String> onTrouble;
    private final WatchService watchService;
    private final Thread thread;
    private volatile boolean closed;
    private WatchKey key;
    private Object lastFingerprint;

    FileWatcher(Path file, Duration debounce, Duration poll, Runnable onChange, Consumer<String> onTrouble)
            throws IOException {
        this.file = file.toAbsolutePath().normalize();
        this.debounce = debounce;
        this.poll = poll;
        this.onChange = onChange;
        this.onTrouble = onTrouble;
        this.watchService = FileSystems.getDefault().newWatchService();
        this.lastFingerprint = fingerprint();
        this.thread = new Thread(this::run, "otto-config-watcher");
        thread.setDaemon(true);
    }

    FileWatcher start() {
        thread.start();
        return this;
    }

    private void run() {
        while (!closed) {
            try {
                if (awaitChange(poll)) {
                    // let a burst of writes finish: wait until nothing happened for the debounce time
                    while (!closed && awaitChange(debounce)) {
                        // still changing
                    }
                    if (!closed) {
                        onChange.run();
                    }
                }
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            } catch (RuntimeException e) {
                onTrouble.accept("the config watcher hit " + e.getClass().getSimpleName() + "; it keeps watching");
            }
        }
    }

    /** Waits up to {@code timeout} for a sign that the file changed. */
    private boolean awaitChange(Duration timeout) throws InterruptedException {
        ensureRegistered();
        boolean changed = false;
        WatchKey signalled = watchService.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (signalled != null) {
            for (WatchEvent<?> event : signalled.pollEvents()) {
                if (event.kind() == StandardWatchEventKinds.OVERFLOW || file.getFileName().equals(event.context())) {
                    changed = true;
                }
            }
            if (!signalled.reset() && signalled == key) {
                key = null; // the folder went away; register again when it is back
            }
        }
        Object fingerprint = fingerprint();
        if (!Objects.equals(fingerprint, lastFingerprint)) {
            lastFingerprint = fingerprint;
            changed = true;
        }
        return changed;
    }

    private void ensureRegistered() {
        if (key != null && key.isValid()) {
            return;
        }
        Path dir = file.getParent();
        if (dir != null && Files.isDirectory(dir)) {
            try {
                key = dir.register(watchService, StandardWatchEventKinds.ENTRY_CREATE,
                        StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE);
            } catch (IOException e) {
                key = null; // polling still notices changes
            }
        }
    }

    /** Size, modification time and file identity: what changes when the file is written or replaced. */
    private Object fingerprint() {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            return java.util.List.of(attributes.size(), attributes.lastModifiedTime().toMillis(),
                    String.valueOf(attributes.fileKey()));
        } catch (NoSuchFileException missing) {
            return "missing";
        } catch (IOException e) {
            return "unreadable";
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        thread.interrupt();
        watchService.close();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
