// Room load: Conversations against a hand-built SignalR + SQLite hub, over real sockets, each server in its own process.
//   dotnet run -c Release --project benchmarks/Conversations.RoomLoad -- run [--scenario <part of a name>] [--scale 0.1] [--allocations] [--server conversations|signalr] [--repeat <rounds>] [--batch-window <ms>] [--json-events] [--hub-messagepack]
//   (server <conversations|signalr> <port> <folder> is how the runner starts each server)
using Conversations.RoomLoad;

return args switch
{
    ["server", var kind, var port, var folder] => await ServeAsync(kind, int.Parse(port, System.Globalization.CultureInfo.InvariantCulture), folder),
    ["run", ..] => await Runner.RunAsync(args),
    _ => Usage(),
};

static async Task<int> ServeAsync(string kind, int port, string folder)
{
    await Servers.RunAsync(kind, port, folder);
    return 0;
}

static int Usage()
{
    Console.Error.WriteLine("usage: run [--scenario <name>] [--scale <factor>] [--allocations] [--server conversations|signalr] [--repeat <rounds>] [--batch-window <ms>] [--json-events] [--hub-messagepack]");
    return 2;
}
