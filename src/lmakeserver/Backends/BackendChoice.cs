// The backend the engine hands its jobs to: each job goes to the backend its rule names (`backend`, 'local' by
// default); 'slurm' to the Slurm backend, made when a first job asks for it (which itself runs the job locally
// when Slurm is not available).
using Lmake.Common;
using Lmake.Server.Backends.Local;
using Lmake.Server.Backends.Slurm;

namespace Lmake.Server.Backends;

public sealed class BackendChoice : IBackend
{
    private readonly string _repoRoot;
    private readonly InstallLayout _layout;
    private readonly LocalBackend _local;
    private SlurmBackend? _slurm;

    public BackendChoice(string repoRoot, InstallLayout layout)
    {
        _repoRoot = repoRoot;
        _layout = layout;
        _local = new LocalBackend(repoRoot, layout);
    }

    public string Name => "local";

    public IReadOnlyList<ResourceUse> Held => _slurm == null ? _local.Held : [.. _local.Held, .. _slurm.Held];

    public Task<JobRun> Run(JobSubmission job, IJobHost host, CancellationToken cancel) => job.Plan.Backend switch
    {
        "slurm" => (_slurm ??= new SlurmBackend(_repoRoot, _layout, _local)).Run(job, host, cancel),
        _ => _local.Run(job, host, cancel),
    };
}
