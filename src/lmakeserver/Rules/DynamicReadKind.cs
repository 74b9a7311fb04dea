// Which attributes of a job read a file while they were computed (rules.md, the "Dynamic" column of each
// attribute): the bits job_attrs.py sends with each read (its READ_* constants hold the same values). Every such
// file is made before the job runs; the bits say what follows from it.
namespace Lmake.Server.Rules;

[Flags]
public enum DynamicReadKind
{
    /// <summary>Read by an attribute computed when the job starts (cmd, environ...): a plain dep; not yet
    /// checked in this request when the job was about to start, it is checked then and the job says early_rerun.</summary>
    None = 0,
    /// <summary>Read by an attribute computed before the job is submitted (resources, backend, cache, timeout):
    /// the job waits for it, and says early_rerun only when it had to be built first.</summary>
    AtSubmit = 1,
    /// <summary>Read only by resources and environ_resources: a dep whose change reruns the job only when it is in
    /// error (DepFlags.Resource).</summary>
    ForResources = 2,
    /// <summary>Read only by environ_ancillary, whose content is not managed: no dep.</summary>
    Ancillary = 4,
}
