using GpuLstm.Device.Cpu;

namespace GpuLstm.Tests.Device;

/// <summary>CpuTeam, the fused recurrence's threads: every member runs, barriers order memory, a failure comes back whole.</summary>
public sealed class CpuTeamTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void BarriersPublishEveryMembersWrites(int size)
    {
        using var team = new CpuTeam(size);
        const int rounds = 2000;
        var slots = new int[size];
        int wrong = 0;
        for (int call = 0; call < 3; call++) // the team is reusable
        {
            team.Run(member =>
            {
                for (int r = 1; r <= rounds; r++)
                {
                    slots[member] = r;
                    team.Barrier(); // everyone wrote round r
                    for (int other = 0; other < size; other++)
                        if (Volatile.Read(ref slots[other]) != r)
                            Interlocked.Increment(ref wrong);
                    team.Barrier(); // everyone read round r before anyone writes r + 1
                }
            });
            Assert.Equal(0, wrong);
            Assert.All(slots, s => Assert.Equal(rounds, s));
        }
    }

    [Fact]
    public void AFailingMemberFailsTheRunWithItsExceptionAndReleasesTheOthers()
    {
        using var team = new CpuTeam(3);
        var e = Assert.Throws<InvalidOperationException>(() => team.Run(member =>
        {
            if (member == 1)
                throw new InvalidOperationException("member 1 failed");
            team.Barrier(); // would wait forever for member 1 without the fault flag
        }));
        Assert.Equal("member 1 failed", e.Message);
        int ran = 0;
        team.Run(_ => Interlocked.Increment(ref ran));
        Assert.Equal(3, ran);
    }

    [Fact]
    public void ADisposedTeamRefusesWork()
    {
        var team = new CpuTeam(2);
        team.Dispose();
        Assert.Throws<ObjectDisposedException>(() => team.Run(_ => { }));
    }
}
