package dev.otto.console;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;

import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * Who may attach: the user who owns the socket (the user Otto runs as, since Otto created it) and
 * root. The peer is read from the connection itself ({@code SO_PEERCRED}), not from anything the
 * client says.
 */
final class PeerCheck {

    private final UserPrincipal owner;
    private final UserPrincipal root;

    PeerCheck(UserPrincipal owner, UserPrincipal root) {
        this.owner = owner;
        this.root = root;
    }

    static PeerCheck forOwnerOf(Path socket) throws IOException {
        UserPrincipal root;
        try {
            root = FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName("root");
        } catch (IOException noRootUser) {
            root = null;
        }
        return new PeerCheck(Files.getOwner(socket), root);
    }

    UserPrincipal owner() {
        return owner;
    }

    /** Who may attach, in words. */
    String who() {
        return root == null || owner.equals(root) ? owner.getName() : owner.getName() + " (who runs this Otto) and root";
    }

    UserPrincipal peerOf(SocketChannel channel) throws IOException {
        UnixDomainPrincipal peer = channel.getOption(ExtendedSocketOptions.SO_PEERCRED);
        return peer.user();
    }

    boolean allowed(UserPrincipal peer) {
        return peer.equals(owner) || (root != null && peer.equals(root));
    }
}
