package io.perfplan.cli;

import io.perfplan.engine.SecretMasker;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;

/**
 * The process's stdout and stderr with every secret of {@link SecretMasker#process()} replaced by
 * {@code ***}: the last line of defence for what reaches them without passing a run's own masker
 * (a script's {@code println}, library logs, stack traces with {@code --debug}). Text is masked a line
 * at a time (a multi-line secret's lines are masked one by one); a partial line is masked when it is
 * flushed. While no secret is known, bytes pass straight through.
 */
final class MaskedOutput extends OutputStream {

    private final OutputStream target;
    private final Charset charset;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);

    private MaskedOutput(OutputStream target, Charset charset) {
        this.target = target;
        this.charset = charset;
    }

    /** {@code stream}, masked; autoflush like the JVM's own stdout and stderr. */
    static PrintStream wrap(PrintStream stream) {
        Charset charset = Charset.defaultCharset();
        return new PrintStream(new MaskedOutput(stream, charset), true, charset);
    }

    @Override
    public synchronized void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
        if (line.size() == 0 && SecretMasker.process().isEmpty()) {
            target.write(b, off, len);
            return;
        }
        int start = off;
        for (int i = off; i < off + len; i++) {
            if (b[i] == '\n') {
                line.write(b, start, i + 1 - start);
                emit();
                start = i + 1;
            }
        }
        line.write(b, start, off + len - start);
    }

    @Override
    public synchronized void flush() throws IOException {
        emit();
        target.flush();
    }

    @Override
    public synchronized void close() throws IOException {
        flush();
        target.close();
    }

    private void emit() throws IOException {
        if (line.size() == 0) {
            return;
        }
        String text = line.toString(charset);
        line.reset();
        target.write(SecretMasker.process().mask(text).getBytes(charset));
    }
}
