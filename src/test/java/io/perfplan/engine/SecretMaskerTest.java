package io.perfplan.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the masker replaces: values taken literally, whole, in their usual encodings. */
class SecretMaskerTest {

    @Test
    void takesRegexMetacharactersLiterally() {
        SecretMasker m = new SecretMasker(List.of("a.b*c+(d)[e]{2}$^|\\1"));
        assertThat(m.mask("x a.b*c+(d)[e]{2}$^|\\1 y")).isEqualTo("x *** y");
        assertThat(m.mask("aXbbbc+(d)[e]{2}$^|\\1")).as("no pattern matching").isEqualTo("aXbbbc+(d)[e]{2}$^|\\1");
    }

    @Test
    void masksInsideWordsAndTheLongestValueWhole() {
        SecretMasker m = new SecretMasker(List.of("Kx4", "tok-Kx4Lp"));
        assertThat(m.mask("tok-Kx4Lp and xxKx4yy")).isEqualTo("*** and xx***yy");
    }

    @Test
    void masksEncodedFormsAndEachLineOfAMultiLineValue() {
        String s = "first line of it\nsecond \"line\" with  spaces\nok";
        SecretMasker m = new SecretMasker(List.of(s));
        assertThat(m.mask("[" + s + "]")).isEqualTo("[***]");
        assertThat(m.mask("{\"v\":\"first line of it\\nsecond \\\"line\\\" with  spaces\\nok\"}")).isEqualTo("{\"v\":\"***\"}");
        assertThat(m.mask("?q=" + URLEncoder.encode(s, StandardCharsets.UTF_8))).isEqualTo("?q=***");
        assertThat(m.mask("?q=" + URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20"))).isEqualTo("?q=***");
        assertThat(m.mask("b64 " + Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8)))).isEqualTo("b64 ***");
        assertThat(m.mask("1: first line of it\n2: second \"line\" with  spaces")).isEqualTo("1: ***\n2: ***");
        assertThat(m.mask("ok, fine")).as("lines shorter than 4 characters are not masked alone").isEqualTo("ok, fine");
    }

    @Test
    void masksKeysAndValuesOfTrees() {
        SecretMasker m = new SecretMasker(List.of("s3cr3t"));
        assertThat(m.maskTree(Map.of("k-s3cr3t", List.of("a s3cr3t", 1L)))).isEqualTo(Map.of("k-***", List.of("a ***", 1L)));
        assertThat(SecretMasker.NONE.mask("s3cr3t")).isEqualTo("s3cr3t");
        assertThat(new SecretMasker(List.of("")).isEmpty()).isTrue();
    }
}
