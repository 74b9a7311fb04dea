// An attribute of a job could not be computed (a function of the Lmakefile raised for these stems): the job
// is in error, the build goes on.
namespace Lmake.Server.Rules;

public sealed class RuleEvaluationException : Exception
{
    public RuleEvaluationException(string message) : base(message) { }
}
