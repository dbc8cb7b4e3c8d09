package dev.otto.api.job;

/** There is no job with the given id. */
public class NoSuchJobException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final long jobId;

    /**
     * Creates the exception.
     *
     * @param jobId the id that was not found
     */
    public NoSuchJobException(long jobId) {
        super("no job with id " + jobId + ": list the jobs to see the existing ids");
        this.jobId = jobId;
    }

    /**
     * Returns the id that was not found.
     *
     * @return the job id
     */
    public long jobId() {
        return jobId;
    }
}
