package dev.otto.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

class ArgvTextTest {

    @Test
    void readableForPlainArguments() {
        assertThat(ArgvText.encode(List.of("check.sh", "--quick"))).isEqualTo("8:check.sh7:--quick");
        assertThat(ArgvText.decode("8:check.sh7:--quick")).containsExactly("check.sh", "--quick");
        assertThat(ArgvText.decode("")).isEmpty();
    }

    @Test
    void anyArgumentsRoundTrip() {
        Random random = new Random(42);
        String alphabet = "a:1 0\n\t\"'\\;|$é€\uD83D\uDE00";
        for (int n = 0; n < 2_000; n++) {
            List<String> argv = new ArrayList<>();
            int count = 1 + random.nextInt(5);
            for (int i = 0; i < count; i++) {
                StringBuilder arg = new StringBuilder();
                int length = random.nextInt(15);
                for (int j = 0; j < length; j++) {
                    arg.append(alphabet.charAt(random.nextInt(alphabet.length())));
                }
                argv.add(arg.toString());
            }
            assertThat(ArgvText.decode(ArgvText.encode(argv))).isEqualTo(argv);
        }
    }

    @Test
    void brokenTextSaysWhere() {
        assertThatThrownBy(() -> ArgvText.decode("8:check.sh7:--qu")).hasMessage("argument at character 10 is cut short");
        assertThatThrownBy(() -> ArgvText.decode("check.sh")).hasMessage("expected <length>:<argument> at character 0");
        assertThatThrownBy(() -> ArgvText.decode("x:a")).hasMessage("expected a length before ':' at character 0");
        assertThatThrownBy(() -> ArgvText.decode("-1:a")).isInstanceOf(IllegalArgumentException.class);
    }
}
