package tt.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageCommandTest {

    @Test
    void recipesAreListedWithTheirDescriptionLine(@TempDir Path images) throws IOException {
        Files.createDirectories(images.resolve("recipes"));
        Files.writeString(images.resolve("recipes/tiny-x.sh"), "# description: a tiny image\nIMAGE_NAME=x\n");
        Files.writeString(images.resolve("recipes/bare.sh"), "IMAGE_NAME=y\n");
        Files.writeString(images.resolve("recipes/notes.txt"), "not a recipe");
        assertEquals(Map.of("tiny-x", "a tiny image", "bare", ""), ImageCommand.recipes(images));
    }

    @Test
    void theRealRecipesOfThisCheckoutAreFound() throws IOException {
        Path images = Path.of("..", "images").toAbsolutePath().normalize();
        Map<String, String> recipes = ImageCommand.recipes(images);
        assertTrue(recipes.keySet().containsAll(Set.of("tinylinux-x86_64", "tinylinux-aarch64")), recipes.toString());
        assertTrue(recipes.values().stream().noneMatch(String::isBlank), "every recipe describes itself");
    }

    @Test
    void anUnknownRecipeIsRefusedWithTheChoices() {
        CommandLine cli = TtMain.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));
        int code = cli.execute("image", "build", "no-such", "--image-path", "/nonexistent");
        String message = err.toString();
        assertTrue(message.contains("unknown recipe 'no-such': choose one of [") && message.contains("tinylinux-x86_64"),
                message);
        assertEquals(2, code, "a bad argument is a usage error");
    }
}
