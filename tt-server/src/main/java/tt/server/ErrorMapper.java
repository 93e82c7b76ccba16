package tt.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tt.api.ApiError;

/** Turns every failure into a status and a JSON {@link ApiError} that says what to do. */
public final class ErrorMapper implements ExceptionMapper<Throwable> {

    private static final Logger LOG = LoggerFactory.getLogger(ErrorMapper.class);

    @Override
    public Response toResponse(Throwable e) {
        int status;
        String message = e.getMessage();
        if (e instanceof WebApplicationException w) {
            status = w.getResponse().getStatus();
            Throwable cause = w.getCause();
            if (cause instanceof JsonProcessingException j) {
                status = 400;
                message = jsonMessage(j);
            } else if (status == 404) {
                message = "no such API path: see README's API section";
            } else if (status == 405) {
                message = "method not allowed on this path";
            }
        } else if (e instanceof JsonProcessingException j) {
            status = 400;
            message = jsonMessage(j);
        } else if (e instanceof IllegalArgumentException) {
            status = 400;
        } else if (e instanceof NotFoundException) {
            status = 404;
        } else if (e instanceof QuotaException) {
            status = 403;
        } else if (e instanceof ConflictException || e instanceof InsufficientResourcesException) {
            status = 409;
        } else {
            status = 500;
            LOG.error("request failed", e);
            message = "internal error: " + e.getMessage() + " (see the server log)";
        }
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(new ApiError(message)).build();
    }

    private static String jsonMessage(JsonProcessingException j) {
        if (j instanceof UnrecognizedPropertyException u) {
            return "unknown field '" + u.getPropertyName() + "': known fields are " + u.getKnownPropertyIds();
        }
        return "bad JSON: " + j.getOriginalMessage();
    }
}
