using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;

namespace Microsoft.ML.SpatialTransformer.Tests.Packaging
{
    /// <summary>
    /// README's "Quick start from NuGet" section as the tests run it: the shell commands, Program.cs and the expected
    /// output are the fenced blocks after the markers &lt;!-- quickstart:commands --&gt;, &lt;!-- quickstart:program
    /// --&gt; and the first plain block after the program; the choose-your-backend commands are its inline `dotnet add
    /// package` spans after that.
    /// </summary>
    internal sealed class ReadmeQuickStart
    {
        public IReadOnlyList<string> Commands { get; private init; }
        public string Program { get; private init; }
        public IReadOnlyList<string> ExpectedOutput { get; private init; }
        public IReadOnlyList<string> ChooseYourBackendCommands { get; private init; }

        public static ReadmeQuickStart Read(string readmePath)
        {
            string text = File.ReadAllText(readmePath).Replace("\r\n", "\n");
            int section = text.IndexOf("\n## Quick start from NuGet\n", StringComparison.Ordinal);
            if (section < 0) throw new InvalidDataException("README has no '## Quick start from NuGet' section.");
            int sectionEnd = text.IndexOf("\n## ", section + 1, StringComparison.Ordinal);
            text = text.Substring(section, (sectionEnd < 0 ? text.Length : sectionEnd) - section);
            string program = BlockAfter(text, "<!-- quickstart:program -->", "csharp", out int programEnd);
            string output = BlockAfter(text.Substring(programEnd), "", "", out int outputEnd);
            string rest = text.Substring(programEnd + outputEnd);
            return new ReadmeQuickStart
            {
                Commands = BlockAfter(text, "<!-- quickstart:commands -->", "bash", out _).Split('\n')
                    .Select(l => Regex.Replace(l, @"\s+#.*$", "").Trim()).Where(l => l.Length > 0).ToList(),
                Program = program,
                ExpectedOutput = output.Split('\n').Where(l => l.Length > 0).ToList(),
                ChooseYourBackendCommands = Regex.Matches(rest, "`(dotnet add package [^`]+)`")
                    .Select(m => m.Groups[1].Value).ToList(),
            };
        }

        // The body of the first ```<language> block after <marker>; end: the index just past its closing fence.
        private static string BlockAfter(string text, string marker, string language, out int end)
        {
            int at = text.IndexOf(marker, StringComparison.Ordinal);
            if (at < 0) throw new InvalidDataException($"README's quick start has no marker '{marker}'.");
            string fence = "```" + language + "\n";
            int open = text.IndexOf(fence, at, StringComparison.Ordinal);
            if (open < 0)
                throw new InvalidDataException($"README's quick start has no ```{language} block after '{marker}'.");
            int body = open + fence.Length;
            int close = text.IndexOf("\n```", body - 1, StringComparison.Ordinal);
            end = close + 4;
            return text.Substring(body, close + 1 - body);
        }
    }
}
