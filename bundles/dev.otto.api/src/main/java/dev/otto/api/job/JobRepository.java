package dev.otto.api.job;

import dev.otto.api.model.Flow;
import dev.otto.api.model.ModelRef;
import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Durable storage of jobs. A method that returns has made its change durable (it survives a crash
 * or power loss); lists are ordered by id.
 */
@ProviderType
public interface JobRepository {

    /**
     * Stores a new job.
     *
     * @param draft the job's fields
     * @return the stored job with its new id and timestamps
     */
    Job create(JobDraft draft);

    /**
     * Reads one job.
     *
     * @param id the job id
     * @return the job, or empty if there is none with that id
     */
    Optional<Job> get(long id);

    /**
     * Lists all jobs.
     *
     * @return the jobs ordered by id; unmodifiable
     */
    List<Job> list();

    /**
     * Lists the jobs of one flow.
     *
     * @param flow the flow
     * @return its jobs ordered by id; unmodifiable
     */
    List<Job> list(Flow flow);

    /**
     * Replaces every caller-settable field of a job.
     *
     * @param id the job id
     * @param draft the new fields
     * @return the updated job
     * @throws NoSuchJobException if there is no job with that id
     */
    Job update(long id, JobDraft draft);

    /**
     * Deletes a job.
     *
     * @param id the job id
     * @return true if it existed
     */
    boolean delete(long id);

    /**
     * Sets or clears only the job's model, leaving the other fields as they are.
     *
     * @param id the job id
     * @param modelRefOrNull the model, or null to use the defaults again
     * @return the updated job
     * @throws NoSuchJobException if there is no job with that id
     */
    Job setModelRef(long id, ModelRef modelRefOrNull);
}
