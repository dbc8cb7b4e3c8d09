package dev.otto.api.routing;

import dev.otto.api.model.Ids;
import dev.otto.api.model.ModelRef;

/**
 * Resolution found no model a run could use: nothing configured applied (or what applied is not in
 * the catalog) and OpenCode has no global default model, or its global default is not in the
 * catalog either. The message says what to configure.
 */
public class NoModelAvailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String taskId;
    private final transient ModelRef requested;
    private final transient ModelRef globalDefault;

    /**
     * Creates the exception.
     *
     * @param taskId the task whose run could not be resolved
     * @param requested the model precedence chose but the catalog does not list, or null if nothing
     *     was configured for the run
     * @param globalDefault OpenCode's global default, or null if none is set; when set it is not in
     *     the catalog
     */
    public NoModelAvailableException(String taskId, ModelRef requested, ModelRef globalDefault) {
        super(message(taskId, requested, globalDefault));
        this.taskId = taskId;
        this.requested = requested;
        this.globalDefault = globalDefault;
    }

    /**
     * Returns the task id.
     *
     * @return the task whose run could not be resolved
     */
    public String taskId() {
        return taskId;
    }

    /**
     * Returns the model precedence chose.
     *
     * @return the unavailable model, or null if nothing was configured for the run
     */
    public ModelRef requested() {
        return requested;
    }

    /**
     * Returns OpenCode's global default.
     *
     * @return the unusable global default, or null if none is set
     */
    public ModelRef globalDefault() {
        return globalDefault;
    }

    private static String message(String taskId, ModelRef requested, ModelRef globalDefault) {
        Ids.require(taskId, "taskId");
        String first = requested == null
                ? "no job model, override, flow default or task policy applies"
                : "the chosen model " + requested + " is not in the catalog";
        String second = globalDefault == null
                ? "OpenCode has no global default model"
                : "OpenCode's global default " + globalDefault + " is not in the catalog either";
        return "no model available for task " + taskId + ": " + first + " and " + second
                + "; set \"model\" in OpenCode's opencode.json to an available model, or set"
                + " modelManagement.flowDefaults / routing.taskPolicies in ~/.config/otto/config.jsonc"
                + " (otto:catalog lists the available ones)";
    }
}
