package dev.otto.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.FileSystems;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;

import org.junit.jupiter.api.Test;

class PeerCheckTest {

    private final UserPrincipalLookupService users = FileSystems.getDefault().getUserPrincipalLookupService();

    @Test
    void theOwnerAndRootMayAttachNobodyElse() throws Exception {
        UserPrincipal root = users.lookupPrincipalByName("root");
        UserPrincipal nobody = users.lookupPrincipalByName("nobody");
        UserPrincipal daemon = users.lookupPrincipalByName("daemon");
        PeerCheck check = new PeerCheck(daemon, root);
        assertThat(check.allowed(daemon)).isTrue();
        assertThat(check.allowed(root)).isTrue();
        assertThat(check.allowed(nobody)).isFalse();
        assertThat(check.who()).isEqualTo("daemon (who runs this Otto) and root");
        assertThat(new PeerCheck(root, root).who()).isEqualTo("root");
    }
}
