package tt.server;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a resource class (one fixed {@code @Path}, no sub-paths) that is served without a token:
 * every API needs a token unless explicitly opened, and this is how it is opened.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Unauthenticated {
}
